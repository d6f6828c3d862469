//! An upstream event stream read as Server-Sent Events: the `data` of each
//! event, in order, in time linear in the bytes read (a relay reads the
//! upstream's backlog in chunks of up to ~120 KB when it was kept off the
//! CPU for a while).
//!
//! The relays used eventsource-stream 0.2, which copies the rest of its
//! buffer after every line it parses: a chunk of n bytes cost O(n²), and
//! parsing was nearly all of a relay's time on an event (a 557 KB chunk of
//! 600 events: 10.9 ms there, 0.74 ms for everything the hub does with its
//! 300 kept events). The relays need only `data`: `event`, `id` and `retry`
//! are read past, as are comments (`:` lines).
//!
//! Lines end with LF, CRLF or CR (also when a chunk ends between CR and
//! LF); a blank line dispatches the event when it has data (several `data`
//! lines are joined with LF); an event left unfinished when the stream ends
//! is dropped, as the SSE specification says.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes, BytesMut};
use futures::Stream;

/// The `data` of each event of `inner`, a stream of body chunks.
pub(super) struct SseData<S> {
    inner: S,
    buffer: BytesMut,
    /// The data lines of the event being read, each followed by LF.
    data: String,
    /// The last line ended with CR: an LF right after it ends nothing.
    after_cr: bool,
    ended: bool,
}

impl<S> SseData<S> {
    pub(super) fn new(inner: S) -> Self {
        Self {
            inner,
            buffer: BytesMut::new(),
            data: String::new(),
            after_cr: false,
            ended: false,
        }
    }

    /// The next event whose lines are all in the buffer, consuming them.
    fn next_buffered(&mut self) -> Option<String> {
        loop {
            if self.after_cr && !self.buffer.is_empty() {
                self.after_cr = false;
                if self.buffer[0] == b'\n' {
                    self.buffer.advance(1);
                }
            }
            let end = memchr::memchr2(b'\n', b'\r', &self.buffer)?;
            self.after_cr = self.buffer[end] == b'\r';
            let dispatched = take_line(&mut self.data, &self.buffer[..end]);
            self.buffer.advance(end + 1);
            if dispatched.is_some() {
                return dispatched;
            }
        }
    }
}

/// Applies one line (without its end) to the event being read; a blank
/// line returns the event's data when it has any.
fn take_line(data: &mut String, line: &[u8]) -> Option<String> {
    if line.is_empty() {
        if data.is_empty() {
            return None;
        }
        data.pop();
        return Some(std::mem::take(data));
    }
    let (field, value) = match memchr::memchr(b':', line) {
        Some(0) => return None,
        Some(colon) => {
            let value = &line[colon + 1..];
            (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
        }
        None => (line, &b""[..]),
    };
    if field == b"data" {
        match std::str::from_utf8(value) {
            Ok(text) => data.push_str(text),
            Err(_) => data.push_str(&String::from_utf8_lossy(value)),
        }
        data.push('\n');
    }
    None
}

impl<S, E> Stream for SseData<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    type Item = Result<String, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(data) = this.next_buffered() {
                return Poll::Ready(Some(Ok(data)));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            match ready!(Pin::new(&mut this.inner).poll_next(cx)) {
                Some(Ok(chunk)) => this.buffer.extend_from_slice(&chunk),
                Some(Err(err)) => return Poll::Ready(Some(Err(err))),
                None => this.ended = true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt as _;

    fn read(chunks: &[&[u8]]) -> Vec<String> {
        let chunks: Vec<Result<Bytes, ()>> = chunks
            .iter()
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let stream = SseData::new(futures::stream::iter(chunks));
        futures::executor::block_on(stream.map(|d| d.expect("data")).collect())
    }

    const SAMPLE: &[u8] = b": hello\r\ndata: {\"a\":1}\r\n\r\nevent: x\nid: 7\ndata:two\ndata:  lines\n\nretry: 5\n\ndata\rdata: cr\r\rdata: \xff\n\ndata: crlf\r\n\ndata: unfinished\n";

    #[test]
    fn data_is_read_per_event_whatever_the_line_ends() {
        assert_eq!(
            read(&[SAMPLE]),
            ["{\"a\":1}", "two\n lines", "\ncr", "\u{fffd}", "crlf"]
        );
    }

    /// Every split of the sample into two chunks (a CR and its LF apart
    /// too) reads the same events as the whole.
    #[test]
    fn a_chunk_may_end_anywhere() {
        let whole = read(&[SAMPLE]);
        for at in 0..=SAMPLE.len() {
            assert_eq!(
                read(&[&SAMPLE[..at], &SAMPLE[at..]]),
                whole,
                "split at {at}"
            );
        }
        let bytes: Vec<&[u8]> = SAMPLE.chunks(1).collect();
        assert_eq!(read(&bytes), whole);
    }

    #[test]
    fn an_error_is_passed_on_and_the_stream_goes_on() {
        let chunks: Vec<Result<Bytes, &str>> = vec![
            Ok(Bytes::from_static(b"data: 1\n\ndata: 2")),
            Err("broke"),
            Ok(Bytes::from_static(b"\n\n")),
        ];
        let got: Vec<Result<String, &str>> =
            futures::executor::block_on(SseData::new(futures::stream::iter(chunks)).collect());
        assert_eq!(got, [Ok("1".to_owned()), Err("broke"), Ok("2".to_owned())]);
    }
}
