//! Browser tests: headless Chromium driven over WebDriver (chromedriver) against the real
//! server. On a machine without Chromium they are skipped, and say so loudly; `.ci/run` installs
//! it and sets `GAZETTE_REQUIRE_BROWSER`, which turns a missing browser into a failure.

mod accessibility;
mod autosave;
mod reader;
mod staff;

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A chromedriver process and one browser session, both ended on drop.
pub struct Browser {
    /// Never dropped: its drop would try to end the session with a chromedriver that `Drop`
    /// has just killed, and wait minutes for it.
    pub driver: std::mem::ManuallyDrop<WebDriver>,
    chromedriver: Child,
    _profile: tempfile::TempDir,
    /// Screenshots this test saved (their folder is printed when it ends).
    screenshots: std::cell::Cell<usize>,
}

/// Where the browser tests save their screenshots: `{width}/{page}.png`.
pub fn screenshot_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots")
}

/// Saves what the browser shows as `{screenshot_dir}/{name}.png`.
pub async fn screenshot(browser: &Browser, name: &str) {
    let path = screenshot_dir().join(format!("{name}.png"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    browser.driver.screenshot(&path).await.unwrap();
    browser.screenshots.set(browser.screenshots.get() + 1);
}

impl Browser {
    /// Starts Chromium, or returns `None` (with a loud message) when this machine has none and
    /// the run does not require one.
    pub async fn start(test: &str) -> Option<Browser> {
        if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
            if std::env::var_os("GAZETTE_REQUIRE_BROWSER").is_some() {
                panic!(
                    "GAZETTE_REQUIRE_BROWSER is set but {CHROMIUM} or {CHROMEDRIVER} is missing"
                );
            }
            eprintln!(
                "\n*** SKIPPED browser test {test}: no Chromium here \
                 (apt-get install chromium chromium-driver) ***\n"
            );
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let chromedriver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            // Its own process group, with the browsers it starts: a failed test kills them all.
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("profile dir");
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(CHROMIUM).unwrap();
        for arg in [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
        ] {
            caps.add_arg(arg).unwrap();
        }
        caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))
            .unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let driver = loop {
            match WebDriver::new(&url, caps.clone()).await {
                Ok(driver) => break driver,
                Err(error) if started.elapsed() > Duration::from_secs(20) => {
                    panic!("chromedriver did not answer: {error}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Some(Browser {
            driver: std::mem::ManuallyDrop::new(driver),
            chromedriver,
            _profile: profile,
            screenshots: std::cell::Cell::new(0),
        })
    }

    /// Logs in through the login form as a person would.
    pub async fn log_in(&self, base_url: &str, email: &str) {
        self.driver
            .goto(format!("{base_url}/admin/login"))
            .await
            .unwrap();
        self.driver
            .find(By::Id("email"))
            .await
            .unwrap()
            .send_keys(email)
            .await
            .unwrap();
        let password = self.driver.find(By::Id("password")).await.unwrap();
        password.send_keys("correct horse battery").await.unwrap();
        password.send_keys(Key::Enter).await.unwrap();
        self.wait_for_text("body", "Log out").await;
    }

    /// Runs `script` in the page and reads back what it returns.
    pub async fn eval<T: serde::de::DeserializeOwned>(&self, script: &str) -> T {
        self.driver
            .execute(script, vec![])
            .await
            .unwrap()
            .convert()
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Presses a key, as on a keyboard, wherever the focus is.
    pub async fn press(&self, key: Key) {
        self.driver
            .action_chain()
            .send_keys(key)
            .perform()
            .await
            .unwrap();
    }

    /// Clicks the first element matching `selector`, as a person would (it must be visible).
    pub async fn click(&self, selector: &str) {
        let element = self
            .driver
            .find(By::Css(selector))
            .await
            .unwrap_or_else(|_| panic!("no {selector} on the page"));
        self.click_on(element).await;
    }

    /// Clicks an element, scrolled into view first: at once, not with the site's smooth
    /// scrolling, since a click mid-scroll lands elsewhere.
    pub async fn click_on(&self, element: WebElement) {
        self.driver
            .execute(
                "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
                vec![element.to_json().unwrap()],
            )
            .await
            .unwrap();
        element.click().await.unwrap();
    }

    /// Waits up to 15 s for the first element matching `selector` to contain `text`.
    pub async fn wait_for_text(&self, selector: &str, text: &str) -> String {
        let started = Instant::now();
        let mut last = String::new();
        while started.elapsed() < Duration::from_secs(15) {
            if let Ok(element) = self.driver.find(By::Css(selector)).await {
                last = element.text().await.unwrap_or_default();
                if last.contains(text) {
                    return last;
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("{selector} never said {text:?}; it said {last:?}");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if self.screenshots.get() > 0 {
            eprintln!(
                "browser screenshots ({}) saved in {}",
                self.screenshots.get(),
                screenshot_dir().display()
            );
        }
        // The whole group: chromedriver and every Chromium process it started, even when the
        // test panicked before it could end the session.
        let group = self.chromedriver.id() as libc::pid_t;
        // SAFETY: kill(2) with a negative pid signals that process group; no memory involved.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
        let _ = self.chromedriver.wait();
    }
}
