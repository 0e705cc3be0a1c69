//! What an import did (or, dry, would do), as the command prints it.

use std::collections::BTreeMap;
use std::fmt;

/// What an import did (or, dry, would do).
#[derive(Debug, Default)]
pub struct Report {
    pub dry_run: bool,
    pub imported: BTreeMap<&'static str, usize>,
    pub already_there: BTreeMap<&'static str, usize>,
    pub skipped: BTreeMap<String, usize>,
    pub redirects: usize,
    /// Each with the post or term it concerns.
    pub warnings: Vec<String>,
}

impl Report {
    pub(super) fn count(map: &mut BTreeMap<&'static str, usize>, what: &'static str) {
        *map.entry(what).or_default() += 1;
    }

    pub(super) fn skip(&mut self, what: String) {
        *self.skipped.entry(what).or_default() += 1;
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |map: &BTreeMap<&'static str, usize>| {
            map.iter()
                .map(|(what, n)| format!("{n} {what}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let verb = if self.dry_run {
            "would import"
        } else {
            "imported"
        };
        writeln!(f, "{verb}: {}", list(&self.imported).if_empty("nothing"))?;
        if !self.already_there.is_empty() {
            writeln!(f, "already imported: {}", list(&self.already_there))?;
        }
        if !self.skipped.is_empty() {
            let skipped: Vec<String> = self
                .skipped
                .iter()
                .map(|(what, n)| format!("{n} {what}"))
                .collect();
            writeln!(f, "skipped: {}", skipped.join(", "))?;
        }
        writeln!(f, "redirects from old addresses: {}", self.redirects)?;
        if !self.warnings.is_empty() {
            writeln!(f, "warnings ({}):", self.warnings.len())?;
            for warning in &self.warnings {
                writeln!(f, "  - {warning}")?;
            }
        }
        if self.dry_run {
            writeln!(f, "dry run: nothing was written")?;
        }
        Ok(())
    }
}

trait IfEmpty {
    fn if_empty(self, fallback: &str) -> String;
}

impl IfEmpty for String {
    fn if_empty(self, fallback: &str) -> String {
        if self.is_empty() {
            fallback.to_string()
        } else {
            self
        }
    }
}
