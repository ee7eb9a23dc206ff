//! Chunked downloads: a blocking task writes the file through [`ChunkWriter`] (an `io::Write`) while the
//! response is being sent, so a download of any size starts at once and holds a few chunks in memory.
//! The channel between them is bounded: a slow client slows the writer down. A client that goes away
//! drops the response body, the writer's next send fails with `BrokenPipe`, and the export stops.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::web::Bytes;
use tokio::sync::mpsc;

/// Bytes per chunk sent to the client.
const CHUNK: usize = 64 * 1024;
/// Chunks in flight between the writer and the connection.
const IN_FLIGHT: usize = 4;

type Chunk = Result<Bytes, io::Error>;

/// The writing end (used on a blocking thread).
pub struct ChunkWriter {
    buf: Vec<u8>,
    tx: mpsc::Sender<Chunk>,
}

/// The response body end.
pub struct ChunkStream(mpsc::Receiver<Chunk>);

/// A connected writer and body.
pub fn channel() -> (ChunkWriter, ChunkStream) {
    let (tx, rx) = mpsc::channel(IN_FLIGHT);
    (
        ChunkWriter {
            buf: Vec::with_capacity(CHUNK),
            tx,
        },
        ChunkStream(rx),
    )
}

fn gone() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "the client closed the connection")
}

impl ChunkWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx.blocking_send(Ok(chunk)).map_err(|_| gone())
    }

    /// Sends what is left; the download ends when the writer is dropped.
    pub fn finish(mut self) -> io::Result<()> {
        self.send()
    }

    /// Ends the download with an error: the connection is cut, so the client sees a failed download
    /// rather than a file that looks complete.
    pub fn fail(self, message: String) {
        // Nothing to do if the client is already gone.
        let _ = self.tx.blocking_send(Err(io::Error::other(message)));
    }
}

impl io::Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // Chunks go out when full or at the end; a flush (the CSV writer flushes once at the end) only
        // checks that the client is still there.
        if self.tx.is_closed() {
            Err(gone())
        } else {
            Ok(())
        }
    }
}

impl futures_core::Stream for ChunkStream {
    type Item = Chunk;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Chunk>> {
        self.0.poll_recv(cx)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::channel;

    #[test]
    fn chunks_arrive_in_order_and_a_dropped_body_stops_the_writer() {
        let (mut w, mut body) = channel();
        let writer = std::thread::spawn(move || -> std::io::Result<()> {
            for i in 0..40_000u32 {
                writeln!(w, "line {i}")?;
            }
            w.finish()
        });
        let mut got = Vec::new();
        while let Some(chunk) = body.0.blocking_recv() {
            got.extend_from_slice(&chunk.unwrap());
        }
        assert!(writer.join().unwrap().is_ok());
        let text = String::from_utf8(got).unwrap();
        assert_eq!(text.lines().count(), 40_000);
        assert_eq!(text.lines().last(), Some("line 39999"));

        let (mut w, body) = channel();
        drop(body);
        let result = (0..1_000_000u32).try_for_each(|i| writeln!(w, "line {i}"));
        let e = result.unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe);
    }
}
