//! `gazette_rank(article_search, n1, n2, …)`: FTS5's bm25 with the same column weights, except
//! that the number of articles each phrase of the query occurs in (`n1` for the first phrase,
//! and so on) comes from the caller instead of being counted on every query. FTS5's `bm25()`
//! counts them by walking each phrase's whole posting list once per query: for a word in one
//! article of ten, 100,000 postings at 1,000,000 articles, whatever the query matches. Reader
//! queries repeat their words, so [`super::counts::PhraseCounts`] keeps the counts until
//! published content changes. Higher is better (FTS5's `bm25()` is negated).
//!
//! The function is registered as an automatic extension, so every SQLite connection the
//! process opens after [`register`] has it.

use std::ffi::{c_char, c_int, c_void};
use std::ptr;
use std::sync::Once;

use libsqlite3_sys as ffi;

use super::COLUMN_WEIGHTS;
/// bm25's constants, as FTS5 sets them.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Makes `gazette_rank` part of every SQLite connection opened from now on.
pub fn register() {
    static REGISTERED: Once = Once::new();
    REGISTERED.call_once(|| {
        // SAFETY: `add_to_connection` has the signature SQLite calls entry points with.
        let code = unsafe { ffi::sqlite3_auto_extension(Some(add_to_connection)) };
        if code != ffi::SQLITE_OK {
            tracing::error!(code, "gazette_rank not registered: searches will fail");
        }
    });
}

/// SQLite calls this for each new connection, once it is open.
unsafe extern "C" fn add_to_connection(
    db: *mut ffi::sqlite3,
    _error: *mut *mut c_char,
    _routines: *const ffi::sqlite3_api_routines,
) -> c_int {
    // SAFETY: `db` is the connection SQLite is opening, valid for this call.
    let api = unsafe { fts5_api(db) };
    if api.is_null() {
        // No FTS5 (not in a bundled build): the search module's SQL fails with a clear error.
        return ffi::SQLITE_OK;
    }
    // SAFETY: `api` is FTS5's own table of functions, alive as long as the connection; the name
    // is copied by FTS5.
    unsafe {
        match (*api).xCreateFunction {
            Some(create) => create(
                api,
                c"gazette_rank".as_ptr(),
                ptr::null_mut(),
                Some(rank),
                None,
            ),
            None => ffi::SQLITE_OK,
        }
    }
}

/// FTS5's extension API of a connection, the documented way: `SELECT fts5(?1)` with a pointer
/// bound for it to fill in. Null when FTS5 is missing.
///
/// # Safety
/// `db` must be an open connection.
unsafe fn fts5_api(db: *mut ffi::sqlite3) -> *mut ffi::fts5_api {
    let mut api: *mut ffi::fts5_api = ptr::null_mut();
    let mut statement: *mut ffi::sqlite3_stmt = ptr::null_mut();
    // SAFETY: the statement is finalized before returning; `api` outlives it.
    unsafe {
        let sql = c"SELECT fts5(?1)";
        if ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut statement, ptr::null_mut())
            != ffi::SQLITE_OK
        {
            ffi::sqlite3_finalize(statement);
            return ptr::null_mut();
        }
        ffi::sqlite3_bind_pointer(
            statement,
            1,
            (&mut api as *mut *mut ffi::fts5_api).cast::<c_void>(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        ffi::sqlite3_step(statement);
        ffi::sqlite3_finalize(statement);
    }
    api
}

/// The auxiliary function itself: reports a score, or an error naming what was wrong.
unsafe extern "C" fn rank(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    context: *mut ffi::sqlite3_context,
    count: c_int,
    values: *mut *mut ffi::sqlite3_value,
) {
    let values: &[*mut ffi::sqlite3_value] = if count > 0 && !values.is_null() {
        // SAFETY: FTS5 passes `count` argument values.
        unsafe { std::slice::from_raw_parts(values, count as usize) }
    } else {
        &[]
    };
    // SAFETY: FTS5 calls this with its API and the row's context, valid for the call.
    match unsafe { score(&*api, fts, values) } {
        Ok(score) => unsafe { ffi::sqlite3_result_double(context, score) },
        Err(message) => unsafe {
            ffi::sqlite3_result_error(context, message.as_ptr(), -1);
        },
    }
}

/// The current row's score.
///
/// # Safety
/// `api` and `fts` must be what FTS5 passed to the auxiliary function, `values` its arguments.
unsafe fn score(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    values: &[*mut ffi::sqlite3_value],
) -> Result<f64, &'static std::ffi::CStr> {
    let failed = c"gazette_rank: the index could not be read";
    let (
        Some(phrase_count),
        Some(row_count),
        Some(total_size),
        Some(inst_count),
        Some(inst),
        Some(column_size),
    ) = (
        api.xPhraseCount,
        api.xRowCount,
        api.xColumnTotalSize,
        api.xInstCount,
        api.xInst,
        api.xColumnSize,
    )
    else {
        return Err(failed);
    };
    // SAFETY (all calls below): FTS5's own functions on the context it passed.
    let phrases = unsafe { phrase_count(fts) }.max(0) as usize;
    if values.len() != phrases {
        return Err(c"gazette_rank: give one article count per phrase of the query");
    }
    let (mut rows, mut tokens) = (0_i64, 0_i64);
    if unsafe { row_count(fts, &mut rows) } != ffi::SQLITE_OK
        || unsafe { total_size(fts, -1, &mut tokens) } != ffi::SQLITE_OK
    {
        return Err(failed);
    }
    let mut frequencies = vec![0.0; phrases];
    let mut instances: c_int = 0;
    if unsafe { inst_count(fts, &mut instances) } != ffi::SQLITE_OK {
        return Err(failed);
    }
    for i in 0..instances {
        let (mut phrase, mut column, mut offset) = (0, 0, 0);
        if unsafe { inst(fts, i, &mut phrase, &mut column, &mut offset) } != ffi::SQLITE_OK {
            return Err(failed);
        }
        if let Some(frequency) = frequencies.get_mut(phrase as usize) {
            *frequency += COLUMN_WEIGHTS.get(column as usize).copied().unwrap_or(1.0);
        }
    }
    let mut length: c_int = 0;
    if unsafe { column_size(fts, -1, &mut length) } != ffi::SQLITE_OK {
        return Err(failed);
    }
    let idf: Vec<f64> = values
        .iter()
        .map(|value| inverse_document_frequency(rows, unsafe { ffi::sqlite3_value_int64(*value) }))
        .collect();
    let average_length = if rows > 0 {
        tokens as f64 / rows as f64
    } else {
        1.0
    };
    Ok(bm25(&frequencies, &idf, f64::from(length), average_length))
}

/// FTS5's inverse document frequency of a phrase in `hits` of `rows` articles (never zero or
/// below, so a word in most articles still counts a little).
fn inverse_document_frequency(rows: i64, hits: i64) -> f64 {
    let idf = (((rows - hits) as f64 + 0.5) / (hits as f64 + 0.5)).ln();
    // Not `idf <= 0.0`: a count above the rows (none should be) gives NaN.
    if idf > 0.0 { idf } else { 1e-6 }
}

/// bm25 of a document `length` tokens long, given each phrase's weighted frequency in it and
/// its inverse document frequency.
fn bm25(frequencies: &[f64], idf: &[f64], length: f64, average_length: f64) -> f64 {
    let norm = K1 * (1.0 - B + B * length / average_length);
    frequencies
        .iter()
        .zip(idf)
        .map(|(frequency, idf)| idf * frequency * (K1 + 1.0) / (frequency + norm))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::prelude::*;
    use diesel::sql_types::{BigInt, Double, Text};

    #[derive(QueryableByName, Debug)]
    struct Scores {
        #[diesel(sql_type = Double)]
        ours: f64,
        #[diesel(sql_type = Double)]
        fts5: f64,
    }

    /// With the true counts, the function scores every match exactly as FTS5's bm25 does.
    #[test]
    fn with_true_counts_it_is_fts5_bm25() {
        register();
        let mut conn = diesel::SqliteConnection::establish(":memory:").unwrap();
        diesel::sql_query(
            "CREATE VIRTUAL TABLE t USING fts5(headline, dek, body, tags, authors,
             tokenize = 'porter unicode61 remove_diacritics 2')",
        )
        .execute(&mut conn)
        .unwrap();
        for (headline, body) in [
            (
                "Harbour wall repaired",
                "The council said the sea wall would hold.",
            ),
            (
                "Council meets",
                "The harbour master spoke to the council about the harbour.",
            ),
            (
                "Storm warning",
                "A storm is coming; the harbour wall may not hold.",
            ),
            ("Budget", "Nothing about the sea or walls here."),
        ] {
            diesel::sql_query("INSERT INTO t VALUES (?, '', ?, 'news', 'Ada Byline')")
                .bind::<Text, _>(headline)
                .bind::<Text, _>(body)
                .execute(&mut conn)
                .unwrap();
        }
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        for phrases in [
            vec!["\"harbour\""],
            vec!["\"harbour\"", "\"wall\""],
            vec!["\"sea wall\""],
            vec!["\"council\"", "\"harb\"*"],
        ] {
            let counts: Vec<i64> = phrases
                .iter()
                .map(|phrase| {
                    diesel::sql_query("SELECT COUNT(*) AS n FROM t WHERE t MATCH ?")
                        .bind::<Text, _>(*phrase)
                        .get_result::<Count>(&mut conn)
                        .unwrap()
                        .n
                })
                .collect();
            let counts = counts.iter().map(i64::to_string).collect::<Vec<_>>();
            let rows: Vec<Scores> = diesel::sql_query(format!(
                "SELECT gazette_rank(t, {}) AS ours,
                        -bm25(t, {}) AS fts5 FROM t WHERE t MATCH ?",
                counts.join(", "),
                super::super::bm25_weights()
            ))
            .bind::<Text, _>(phrases.join(" AND "))
            .load(&mut conn)
            .unwrap();
            assert!(!rows.is_empty(), "{phrases:?}");
            for row in rows {
                assert!((row.ours - row.fts5).abs() < 1e-12, "{phrases:?}: {row:?}");
            }
        }
        // A phrase of characters the index drops (a combining mark) is still a phrase.
        let rows: Vec<Scores> = diesel::sql_query(format!(
            "SELECT gazette_rank(t, 0, 2) AS ours, -bm25(t, {}) AS fts5 FROM t WHERE t MATCH ?",
            super::super::bm25_weights()
        ))
        .bind::<Text, _>("\"\u{1920}\" AND \"harbour\"")
        .load(&mut conn)
        .unwrap();
        for row in rows {
            assert!(row.ours > 0.0, "{row:?}");
        }
        // One count per phrase, or an error that says so.
        let wrong = diesel::sql_query(
            "SELECT gazette_rank(t, 1, 1) AS ours FROM t WHERE t MATCH 'harbour'",
        )
        .execute(&mut conn)
        .unwrap_err();
        assert!(
            wrong.to_string().contains("one article count per phrase"),
            "{wrong}"
        );
    }

    #[test]
    fn rarer_phrases_weigh_more_and_common_ones_barely_count() {
        assert!(inverse_document_frequency(1000, 10) > inverse_document_frequency(1000, 100));
        assert_eq!(inverse_document_frequency(1000, 900), 1e-6);
        assert_eq!(inverse_document_frequency(10, 20), 1e-6);
    }

    #[test]
    fn a_longer_document_scores_lower_for_the_same_matches() {
        let idf = [2.0, 1.0];
        let short = bm25(&[1.0, 10.0], &idf, 50.0, 100.0);
        let long = bm25(&[1.0, 10.0], &idf, 200.0, 100.0);
        assert!(short > long && long > 0.0);
        assert_eq!(bm25(&[0.0, 0.0], &idf, 50.0, 100.0), 0.0);
    }
}
