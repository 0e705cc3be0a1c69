//! The commands that load, check, move and rebuild a whole newsroom (seed, backup, check,
//! copy, export, import, reindex), with the progress bars they share.

use std::time::Instant;

use gazette::changes::{Change, ChangeSet};
use gazette::clock::Clock;
use indicatif::{ProgressBar, ProgressStyle};

use super::{
    BackupArgs, CopyArgs, DatabaseArgs, ExportArgs, SeedArgs, WordpressArgs, connect, print_tables,
};

fn progress_bar(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg:>14} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

/// One progress bar per stage of a long job, each finished when the next begins; remembers
/// how far each stage got.
#[derive(Default)]
struct Stages {
    current: Option<(String, ProgressBar)>,
    reached: Vec<(String, u64)>,
}

impl Stages {
    fn report(&mut self, stage: &str, done: u64, total: u64) {
        if self.current.as_ref().is_none_or(|(name, _)| name != stage) {
            self.finish();
            self.current = Some((stage.to_string(), progress_bar(total, stage)));
            self.reached.push((stage.to_string(), 0));
        }
        if let Some((_, bar)) = &self.current {
            bar.set_length(total);
            bar.set_position(done);
        }
        if let Some((_, reached)) = self.reached.last_mut() {
            *reached = done;
        }
    }

    fn finish(&mut self) {
        if let Some((_, bar)) = self.current.take() {
            bar.finish();
        }
    }

    fn reached(&self, stage: &str) -> u64 {
        self.reached
            .iter()
            .find(|(name, _)| name == stage)
            .map_or(0, |(_, n)| *n)
    }
}

pub(super) fn seed(args: SeedArgs) -> Result<(), String> {
    let mut conn = connect_for_loading(&args.database)?;
    let started = Instant::now();
    let mut stages = Stages::default();
    let count = gazette::synthetic::generate(
        &mut conn,
        args.articles as usize,
        Clock::system().now(),
        |stage, done, total| stages.report(stage, done, total),
    );
    stages.finish();
    done_loading(&mut conn)?;
    let count = count.map_err(|e| format!("seeding failed: {e}"))?;
    println!(
        "{count} articles added in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Rebuilds the search index and computes the related lists articles lack.
pub(super) fn backup(args: BackupArgs) -> Result<(), String> {
    let mut conn = connect(&args.database)?;
    let media_dir = args.media.folder(&args.database);
    let done = gazette::maintenance::backup(&mut conn, &media_dir, &args.folder)?;
    println!(
        "backed up to {} ({} media files)",
        done.database.display(),
        done.media_files
    );
    Ok(())
}

pub(super) fn check(args: DatabaseArgs) -> Result<(), String> {
    let mut conn = connect(&args)?;
    let findings = gazette::maintenance::check(&mut conn).map_err(|e| e.to_string())?;
    for finding in &findings {
        let mark = if finding.ok { "ok  " } else { "FAIL" };
        println!("{mark} {}: {}", finding.what, finding.detail);
    }
    match findings.iter().filter(|f| !f.ok).count() {
        0 => Ok(()),
        failed => Err(format!("{failed} check(s) failed")),
    }
}

pub(super) fn copy(args: CopyArgs) -> Result<(), String> {
    if args.from == args.to {
        return Err("--from and --to name the same database".into());
    }
    let mut from = connect(&DatabaseArgs {
        database: args.from.clone(),
    })?;
    let mut to = connect(&DatabaseArgs {
        database: args.to.clone(),
    })?;
    let started = Instant::now();
    let stages = std::cell::RefCell::new(Stages::default());
    let report = |stage: &str, done, total| stages.borrow_mut().report(stage, done, total);
    let copied = gazette::copy::copy(&mut from, &mut to, Clock::system().now(), Box::new(report))
        .map_err(|e| e.to_string())?;
    stages.borrow_mut().finish();
    print_tables(&copied.tables);
    println!(
        "copied {} to {} in {:.1} s; every table's rows counted on both sides",
        args.from,
        args.to,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub(super) fn export(args: ExportArgs) -> Result<(), String> {
    let mut conn = connect(&args.database)?;
    let media_dir = args.media.folder(&args.database);
    let stages = std::cell::RefCell::new(Stages::default());
    let report = |stage: &str, done, total| stages.borrow_mut().report(stage, done, total);
    let written = gazette::export::export(
        &mut conn,
        &media_dir,
        &args.folder,
        Clock::system().now(),
        Box::new(report),
    )
    .map_err(|e| e.to_string())?;
    stages.borrow_mut().finish();
    print_tables(&written.tables);
    println!("exported into {}", args.folder.display());
    Ok(())
}

pub(super) fn import_gazette(args: ExportArgs) -> Result<(), String> {
    let mut conn = connect_for_loading(&args.database)?;
    let media_dir = args.media.folder(&args.database);
    let stages = std::cell::RefCell::new(Stages::default());
    let report = |stage: &str, done, total| stages.borrow_mut().report(stage, done, total);
    let read = gazette::export::import(
        &mut conn,
        &args.folder,
        &media_dir,
        Clock::system().now(),
        Box::new(report),
    );
    stages.borrow_mut().finish();
    done_loading(&mut conn)?;
    let read = read.map_err(|e| format!("{}: {e}", args.folder.display()))?;
    print_tables(&read.tables);
    println!("imported {}", args.folder.display());
    Ok(())
}

pub(super) fn import_wordpress(args: WordpressArgs) -> Result<(), String> {
    let options = gazette::import::Options {
        uploads: args.uploads.clone(),
        media_dir: args.media.folder(&args.database),
        dry_run: args.dry_run,
    };
    if let Some(uploads) = &options.uploads
        && !uploads.is_dir()
    {
        return Err(format!("--uploads {} is not a folder", uploads.display()));
    }
    let mut conn = connect_for_loading(&args.database)?;
    let started = Instant::now();
    let stages = std::cell::RefCell::new(Stages::default());
    let report = |stage: &str, done, total| stages.borrow_mut().report(stage, done, total);
    let outcome = gazette::import::wordpress(
        &mut conn,
        &args.file,
        &options,
        Clock::system().now(),
        Box::new(report),
    );
    stages.borrow_mut().finish();
    done_loading(&mut conn)?;
    let report = outcome.map_err(|e| format!("{}: {e}", args.file.display()))?;
    print!("{report}");
    println!("in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

pub(super) fn reindex(args: DatabaseArgs) -> Result<(), String> {
    let mut conn = connect_for_bulk_work(&args)?;
    let started = Instant::now();
    let stages = std::cell::RefCell::new(Stages::default());
    let report = |stage: &str, done, total| stages.borrow_mut().report(stage, done, total);
    let mut changes = ChangeSet::new(Clock::system().now()).with_progress(Box::new(report));
    changes
        .record(&mut conn, Change::ArchiveLoaded)
        .map_err(|e| format!("reindex failed: {e}"))?;
    drop(changes);
    let mut stages = stages.into_inner();
    stages.finish();
    println!(
        "{} articles indexed and {} related lists computed in {:.1} s",
        stages.reached("search index"),
        stages.reached("related lists"),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A connection for a command that works over the whole archive (seed, import, reindex), with
/// the larger SQLite page cache that wants (`db::for_bulk_work`).
fn connect_for_bulk_work(args: &DatabaseArgs) -> Result<gazette::db::DbConn, String> {
    let mut conn = connect(args)?;
    gazette::db::for_bulk_work(&mut conn)
        .map_err(|e| format!("cannot set up the database: {e}"))?;
    Ok(conn)
}

/// As `connect_for_bulk_work`, for loading an archive: the SQLite file to itself while the
/// load runs when nobody else has it open (`db::load_alone`); `done_loading` shares it again.
fn connect_for_loading(args: &DatabaseArgs) -> Result<gazette::db::DbConn, String> {
    let mut conn = connect_for_bulk_work(args)?;
    let alone = gazette::db::load_alone(&mut conn)
        .map_err(|e| format!("cannot set up the database: {e}"))?;
    if let (false, gazette::db::Location::Sqlite(path)) = (alone, &args.database) {
        eprintln!(
            "note: {} is open elsewhere (a running server?): loading through its write-ahead \
             log, which is slower",
            path.display()
        );
    }
    Ok(conn)
}

fn done_loading(conn: &mut gazette::db::DbConn) -> Result<(), String> {
    gazette::db::share_again(conn).map_err(|e| format!("cannot reset the journal: {e}"))
}
