//! Images attached to a prompt: what the browser sends (the files as
//! `data:` URLs, JSON-encoded in one form field) and the checks the server
//! makes before opencode sees them.

use serde::{Deserialize, Serialize};

/// The largest image accepted, in bytes (after base64 decoding).
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// The most images one prompt may carry.
pub const MAX_IMAGES: usize = 4;
/// The largest server function request: a prompt with its photos as
/// base64 (4 characters for 3 bytes), and room for the text.
pub const MAX_REQUEST_BYTES: usize = MAX_IMAGES * MAX_IMAGE_BYTES / 3 * 4 + (1 << 20);
/// The image types models take.
pub const IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// One image as the composer holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub mime: String,
    /// `data:<mime>;base64,<bytes>`.
    pub data_url: String,
}

/// Why an image is refused, said the way the user needs to hear it.
pub fn describe_size(bytes: usize) -> String {
    crate::app::format::bytes(u64::try_from(bytes).unwrap_or(u64::MAX))
}

#[cfg(feature = "ssr")]
pub use checks::parse;

#[cfg(feature = "ssr")]
mod checks {
    use base64::Engine;

    use super::{Attachment, IMAGE_TYPES, MAX_IMAGE_BYTES, MAX_IMAGES, describe_size};
    use crate::api::AppError;
    use crate::server::opencode_client::PromptImage;

    /// The form field's JSON (empty: no images), each image checked: a
    /// known type whose bytes really are that type, within the size limit.
    pub fn parse(json: &str) -> Result<Vec<PromptImage>, AppError> {
        if json.trim().is_empty() {
            return Ok(Vec::new());
        }
        let attachments: Vec<Attachment> = serde_json::from_str(json)
            .map_err(|e| AppError::BadRequest(format!("the attachments are malformed: {e}")))?;
        if attachments.len() > MAX_IMAGES {
            return Err(AppError::BadRequest(format!(
                "{} images attached; at most {MAX_IMAGES} per message",
                attachments.len()
            )));
        }
        attachments.iter().map(check).collect()
    }

    fn check(attachment: &Attachment) -> Result<PromptImage, AppError> {
        let name = attachment.name.trim();
        let name = if name.is_empty() { "image" } else { name };
        if name.chars().any(char::is_control) || name.len() > 255 {
            return Err(AppError::BadRequest(
                "an image has an unusable file name".into(),
            ));
        }
        if !IMAGE_TYPES.contains(&attachment.mime.as_str()) {
            return Err(AppError::BadRequest(format!(
                "{name}: {} is not a supported image type (PNG, JPEG, GIF or WebP)",
                attachment.mime
            )));
        }
        let prefix = format!("data:{};base64,", attachment.mime);
        let data = attachment.data_url.strip_prefix(&prefix).ok_or_else(|| {
            AppError::BadRequest(format!("{name}: the image data is not a base64 data URL"))
        })?;
        // Base64 is 4 characters for 3 bytes: refuse before decoding.
        if data.len() / 4 * 3 > MAX_IMAGE_BYTES + 3 {
            return Err(too_large(name, data.len() / 4 * 3));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|_| AppError::BadRequest(format!("{name}: the image data is not base64")))?;
        if bytes.len() > MAX_IMAGE_BYTES {
            return Err(too_large(name, bytes.len()));
        }
        if sniff(&bytes) != Some(attachment.mime.as_str()) {
            return Err(AppError::BadRequest(format!(
                "{name}: the file is not a {} image",
                attachment.mime
            )));
        }
        Ok(PromptImage {
            mime: attachment.mime.clone(),
            filename: name.to_owned(),
            data_url: attachment.data_url.clone(),
        })
    }

    fn too_large(name: &str, bytes: usize) -> AppError {
        AppError::BadRequest(format!(
            "{name} is {}; images can be at most {}",
            describe_size(bytes),
            describe_size(MAX_IMAGE_BYTES)
        ))
    }

    /// The image type the bytes start like.
    fn sniff(bytes: &[u8]) -> Option<&'static str> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some("image/png")
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some("image/jpeg")
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some("image/gif")
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some("image/webp")
        } else {
            None
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn json(name: &str, mime: &str, bytes: &[u8]) -> String {
            let data = base64::engine::general_purpose::STANDARD.encode(bytes);
            serde_json::to_string(&[Attachment {
                name: name.into(),
                mime: mime.into(),
                data_url: format!("data:{mime};base64,{data}"),
            }])
            .expect("json")
        }

        #[test]
        fn accepts_real_images_and_nothing() {
            assert!(parse("").expect("empty").is_empty());
            let png = parse(&json("dot.png", "image/png", b"\x89PNG\r\n\x1a\nrest")).expect("png");
            assert_eq!(png[0].filename, "dot.png");
            assert!(parse(&json("a.jpg", "image/jpeg", &[0xff, 0xd8, 0xff, 0xe0])).is_ok());
        }

        #[test]
        fn refuses_lies_odd_types_big_files_and_too_many() {
            let err = |json: &str| parse(json).expect_err("refused").to_string();
            assert!(err(&json("x.png", "image/png", b"GIF89a")).contains("not a image/png"));
            assert!(err(&json("x.svg", "image/svg+xml", b"<svg/>")).contains("not a supported"));
            let big = [b"\x89PNG\r\n\x1a\n".as_slice(), &vec![0; MAX_IMAGE_BYTES]].concat();
            assert!(err(&json("big.png", "image/png", &big)).contains("at most 5.0 MiB"));
            let one = Attachment {
                name: "a.png".into(),
                mime: "image/png".into(),
                data_url: "data:image/png;base64,iVBORw0KGgo=".into(),
            };
            let five = serde_json::to_string(&vec![one; 5]).expect("json");
            assert!(err(&five).contains("at most 4"));
            assert!(err("{not json").contains("malformed"));
            assert!(
                err(r#"[{"name":"a","mime":"image/png","data_url":"http://x/a.png"}]"#)
                    .contains("data URL")
            );
        }
    }
}
