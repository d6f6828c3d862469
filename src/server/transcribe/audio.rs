//! A recording as the browser sent it: its bytes and content type, checked
//! to be audio, and the file name the service is given (OpenAI's API tells
//! the format by the file's extension).

use bytes::Bytes;

use super::TranscribeError;

/// The containers a browser's `MediaRecorder` makes (Chromium and Firefox:
/// WebM or Ogg with Opus; Safari: MP4), and what a user may upload by hand.
const FORMATS: &[(&str, &str)] = &[
    ("audio/webm", "webm"),
    ("video/webm", "webm"),
    ("audio/ogg", "ogg"),
    ("audio/mp4", "mp4"),
    ("video/mp4", "mp4"),
    ("audio/x-m4a", "m4a"),
    ("audio/m4a", "m4a"),
    ("audio/mpeg", "mp3"),
    ("audio/mp3", "mp3"),
    ("audio/wav", "wav"),
    ("audio/x-wav", "wav"),
    ("audio/wave", "wav"),
    ("audio/flac", "flac"),
];

/// A non-empty recording in a format the service reads.
#[derive(Debug)]
pub struct Audio {
    pub bytes: Bytes,
    /// As sent, parameters and all (`audio/webm;codecs=opus`).
    pub content_type: String,
    /// `recording.<ext>`.
    pub file_name: String,
}

impl Audio {
    /// Checks what the browser sent.
    pub fn new(bytes: Bytes, content_type: Option<&str>) -> Result<Self, TranscribeError> {
        let Some(content_type) = content_type.map(str::trim).filter(|t| !t.is_empty()) else {
            return Err(TranscribeError::NotAudio(
                "send the recording with its Content-Type (e.g. audio/webm)".into(),
            ));
        };
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let Some((_, extension)) = FORMATS.iter().find(|(kind, _)| *kind == essence) else {
            let known: Vec<&str> = FORMATS.iter().map(|(kind, _)| *kind).collect();
            return Err(TranscribeError::NotAudio(format!(
                "{content_type} is not a recording the service can read: send one of {}",
                known.join(", ")
            )));
        };
        if bytes.is_empty() {
            return Err(TranscribeError::Empty);
        }
        Ok(Self {
            bytes,
            content_type: content_type.to_owned(),
            file_name: format!("recording.{extension}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_file_by_its_format() {
        let audio =
            Audio::new(Bytes::from_static(b"x"), Some("audio/webm;codecs=opus")).expect("webm");
        assert_eq!(audio.file_name, "recording.webm");
        assert_eq!(audio.content_type, "audio/webm;codecs=opus");
        let wav = Audio::new(Bytes::from_static(b"x"), Some("Audio/WAV")).expect("wav");
        assert_eq!(wav.file_name, "recording.wav");
    }

    #[test]
    fn refuses_what_is_not_a_recording() {
        let status = |bytes: &'static [u8], kind: Option<&str>| {
            Audio::new(Bytes::from_static(bytes), kind)
                .map(|_| 200)
                .unwrap_or_else(|e| e.status())
        };
        assert_eq!(status(b"x", None), 400);
        assert_eq!(status(b"x", Some("text/plain")), 400);
        assert_eq!(status(b"", Some("audio/webm")), 400);
        assert_eq!(status(b"x", Some("audio/ogg")), 200);
    }
}
