//! The time as the application sees it. Production reads the system clock; tests hold a clock
//! they move by hand (to watch a scheduled article go live without waiting).

use std::sync::Mutex;

use chrono::{NaiveDateTime, TimeDelta, Utc};

#[derive(Debug, Default)]
pub struct Clock {
    /// Set in tests: the frozen time, moved with `advance`. The system clock takes no lock:
    /// every request reads the clock, on every worker.
    manual: Option<Mutex<NaiveDateTime>>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that stands still at `at` until advanced.
    pub fn manual(at: NaiveDateTime) -> Clock {
        Clock {
            manual: Some(Mutex::new(at)),
        }
    }

    pub fn now(&self) -> NaiveDateTime {
        match &self.manual {
            Some(at) => *at.lock().unwrap_or_else(|p| p.into_inner()),
            None => Utc::now().naive_utc(),
        }
    }

    /// Moves a manual clock forward (a system clock cannot be moved).
    pub fn advance(&self, by: TimeDelta) {
        if let Some(at) = &self.manual {
            *at.lock().unwrap_or_else(|p| p.into_inner()) += by;
        }
    }
}
