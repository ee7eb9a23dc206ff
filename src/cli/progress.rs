//! Progress of long CLI runs on the terminal (`indicatif`): drawn on stderr only when stderr is a
//! terminal, so scripts, pipes and logs see nothing of it.

use std::io::{IsTerminal, Read};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar, or nothing when stderr is not a terminal.
pub struct Progress(ProgressBar);

impl Progress {
    /// Progress through `total` bytes of a file.
    pub fn bytes(total: u64, what: &'static str) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress(ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden()));
        }
        let bar = ProgressBar::new(total);
        if let Ok(style) =
            ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what);
        Progress(bar)
    }

    /// `inner`, advancing the bar as it is read.
    pub fn reader<R: Read>(&self, inner: R) -> impl Read {
        self.0.wrap_read(inner)
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}
