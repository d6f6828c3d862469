//! Voice transcription over plain HTTP: a real pocketcode forwards the
//! mic's recording to the scripted model's `/v1/audio/transcriptions` and
//! answers what it heard; the scripted model saw the upload (content type,
//! size, model, key). Every refusal says why: no service configured (503),
//! too large (413), empty or not audio (400), not logged in (401), the
//! service refusing or unreachable (502), and none of them reaches it.

mod common;

use common::TestServer;
use common::http::{call, decode};
use pocketcode::model::transcribe::TRANSCRIBE_PATH;
use pocketcode::server::scripted_model::{ScriptedModel, TRANSCRIPTION_TEXT};

/// One second of a 440 Hz tone as 16 kHz mono 16-bit PCM WAV: a real
/// recording's container, 32 kB.
fn tone_wav() -> Vec<u8> {
    const RATE: u32 = 16_000;
    let samples: Vec<i16> = (0..RATE)
        .map(|i| {
            let t = f64::from(i) / f64::from(RATE);
            (f64::sin(t * 440.0 * std::f64::consts::TAU) * 8000.0) as i16
        })
        .collect();
    let data_len = u32::try_from(samples.len() * 2).expect("fits");
    let mut wav = Vec::with_capacity(44 + data_len as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&(RATE * 2).to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    for sample in samples {
        wav.extend_from_slice(&sample.to_le_bytes());
    }
    wav
}

/// Posts `body` as a recording of `content_type` with `client`.
async fn post_audio(
    server: &TestServer,
    client: &reqwest::Client,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let mut request = client.post(server.url(TRANSCRIBE_PATH)).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    decode(request.send().await.expect("POST the recording")).await
}

fn error_of(body: &serde_json::Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_comes_back_as_the_services_text() {
    let model = ScriptedModel::start().await.expect("scripted model");
    let url = format!("http://{}", model.addr());
    let server = TestServer::start(&[
        "--transcribe-url",
        &url,
        "--transcribe-key",
        model.api_key(),
        "--transcribe-max-mb",
        "1",
    ])
    .await;
    let (status, setup) = call(&server, "voice", &[]).await;
    assert_eq!(
        (status, setup["transcription"].as_bool()),
        (200, Some(true))
    );

    let wav = tone_wav();
    let (status, body) = post_audio(&server, &server.http, Some("audio/wav"), wav.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["text"], TRANSCRIPTION_TEXT);
    let uploads = model.transcriptions();
    assert_eq!(uploads.len(), 1, "{uploads:?}");
    let upload = &uploads[0];
    assert_eq!(upload.content_type, "audio/wav");
    assert_eq!(upload.file_name, "recording.wav");
    assert_eq!(upload.bytes, wav.len() as u64);
    assert_eq!(upload.container, "wav");
    assert_eq!(upload.model, "whisper-1");
    assert!(
        model
            .authorizations()
            .contains(&format!("Bearer {}", model.api_key())),
        "the key went to the service"
    );

    // A test can script what the service hears.
    model.set_transcription_text("  Second take.  ");
    let (_, body) = post_audio(&server, &server.http, Some("audio/wav"), wav.clone()).await;
    assert_eq!(body["text"], "Second take.");

    // Refused before the service is asked.
    let too_large = vec![0u8; 1024 * 1024 + 1];
    let (status, body) = post_audio(&server, &server.http, Some("audio/webm"), too_large).await;
    assert_eq!(status, 413, "{body}");
    assert!(error_of(&body).contains("--transcribe-max-mb"), "{body}");
    let (status, body) = post_audio(&server, &server.http, Some("audio/webm"), Vec::new()).await;
    assert_eq!(status, 400, "{body}");
    assert!(error_of(&body).contains("empty"), "{body}");
    let (status, body) = post_audio(&server, &server.http, Some("text/plain"), wav.clone()).await;
    assert_eq!(status, 400, "{body}");
    assert!(error_of(&body).contains("audio/webm"), "{body}");
    let (status, body) = post_audio(&server, &server.http, None, wav.clone()).await;
    assert_eq!(status, 400, "{body}");
    assert!(error_of(&body).contains("Content-Type"), "{body}");
    let (status, body) = post_audio(&server, &server.anonymous, Some("audio/wav"), wav).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(
        model.transcriptions().len(),
        2,
        "no refused recording was forwarded"
    );

    // What the service refuses is a 502 with its message.
    let not_audio = b"this is text, not a recording ".repeat(100);
    let (status, body) = post_audio(&server, &server.http, Some("audio/webm"), not_audio).await;
    assert_eq!(status, 502, "{body}");
    assert!(error_of(&body).contains("not audio"), "{body}");
    server.stop().await;
    model.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_service_the_mic_is_told_so() {
    let server = TestServer::start(&[]).await;
    let (status, setup) = call(&server, "voice", &[]).await;
    assert_eq!(
        (status, setup["transcription"].as_bool()),
        (200, Some(false))
    );
    let (status, body) = post_audio(&server, &server.http, Some("audio/wav"), tone_wav()).await;
    assert_eq!(status, 503, "{body}");
    assert!(error_of(&body).contains("--transcribe-url"), "{body}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_down_or_refusing_the_key_is_a_502() {
    let model = ScriptedModel::start().await.expect("scripted model");
    let down = {
        // A port nobody listens on: bound, then let go.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", listener.local_addr().expect("addr"))
    };
    let wrong_key = format!("http://{}", model.addr());
    for (url, key, says) in [
        (down.as_str(), "sk-any", "cannot reach"),
        (wrong_key.as_str(), "sk-wrong", "(401)"),
    ] {
        let server = TestServer::start(&["--transcribe-url", url, "--transcribe-key", key]).await;
        let (status, body) = post_audio(&server, &server.http, Some("audio/wav"), tone_wav()).await;
        assert_eq!(status, 502, "{body}");
        assert!(error_of(&body).contains(says), "{says}: {body}");
        assert!(
            !error_of(&body).contains(key),
            "the key never shows: {body}"
        );
        server.stop().await;
    }
    assert!(model.transcriptions().is_empty());
    model.stop().await;
}
