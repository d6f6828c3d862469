//! A folder of a chat's worktree as a zip, written while it streams: a
//! blocking walk feeds the zip writer, whose output goes to the response
//! through a small channel (a slow phone slows the walk, never buffers the
//! whole archive). Links are never followed and never archived.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::Stream;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use super::FilesError;

/// Bytes gathered before they go to the response.
const CHUNK_BYTES: usize = 64 * 1024;

/// The zip of `dir` (a real folder inside the worktree), as it is written.
/// `skip_git`: leave out `.git` at the top (the worktree's own root).
pub fn zip_stream(dir: PathBuf, skip_git: bool) -> impl Stream<Item = io::Result<Bytes>> {
    let shown = dir.display().to_string();
    stream_zip(shown, move |zip| add_folder(zip, &dir, "", skip_git))
}

/// The zip `fill` writes (on a blocking thread), as it is written.
/// `what` names it in the log when it stops.
pub fn stream_zip<F>(what: String, fill: F) -> impl Stream<Item = io::Result<Bytes>>
where
    F: FnOnce(&mut Zip<'_>) -> Result<(), FilesError> + Send + 'static,
{
    let (sender, receiver) = mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        let mut sink = ChannelWriter {
            sender: sender.clone(),
            buffer: Vec::with_capacity(CHUNK_BYTES),
        };
        let written = write_zip(fill, &mut sink).and_then(|()| Ok(sink.flush()?));
        if let Err(error) = written {
            // The download ends in an error rather than as a zip that
            // looks whole.
            tracing::warn!(%error, folder = %what, "zip download stopped");
            let _ = sender.blocking_send(Err(io::Error::other(error.to_string())));
        }
    });
    ReceiverStream::new(receiver)
}

/// The zip being written to the response.
pub type Zip<'a> = ZipWriter<zip::write::StreamWriter<&'a mut ChannelWriter>>;

fn write_zip<F>(fill: F, sink: &mut ChannelWriter) -> Result<(), FilesError>
where
    F: FnOnce(&mut Zip<'_>) -> Result<(), FilesError>,
{
    let mut zip = ZipWriter::new_stream(sink);
    fill(&mut zip)?;
    zip.finish().map_err(zip_error)?;
    Ok(())
}

/// Adds a tar's folders and regular files (links and the rest left out,
/// as a local folder's are); `skip_git`: not its top `.git`. Names that
/// would climb out of the archive (`..`, absolute) are left out too.
pub fn add_tar(zip: &mut Zip<'_>, tar: impl io::Read, skip_git: bool) -> Result<(), FilesError> {
    let mut archive = tar::Archive::new(tar);
    for entry in archive.entries()? {
        let mut entry = entry?;
        let path = entry.path()?.into_owned();
        let mut parts = Vec::new();
        for part in path.components() {
            match part {
                std::path::Component::CurDir => {}
                std::path::Component::Normal(name) => match name.to_str() {
                    Some(name) => parts.push(name.to_owned()),
                    None => parts.clear(),
                },
                _ => {
                    parts.clear();
                    break;
                }
            }
        }
        if parts.is_empty() || (skip_git && parts[0] == ".git") {
            continue;
        }
        let name = parts.join("/");
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(entry.header().mode().unwrap_or(0o644) & 0o777)
            .large_file(entry.size() >= u64::from(u32::MAX));
        match entry.header().entry_type() {
            tar::EntryType::Directory => {
                zip.add_directory(format!("{name}/"), options)
                    .map_err(zip_error)?;
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                zip.start_file(name, options).map_err(zip_error)?;
                io::copy(&mut entry, zip)?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn add_folder(
    zip: &mut Zip<'_>,
    dir: &Path,
    prefix: &str,
    skip_git: bool,
) -> Result<(), FilesError> {
    let mut items = std::fs::read_dir(dir)?.collect::<Result<Vec<_>, _>>()?;
    items.sort_by_key(|item| item.file_name());
    for item in items {
        let Ok(name) = item.file_name().into_string() else {
            continue;
        };
        if skip_git && prefix.is_empty() && name == ".git" {
            continue;
        }
        let meta = item.metadata()?;
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(meta.permissions().mode() & 0o777)
            .large_file(meta.len() >= u64::from(u32::MAX));
        let entry = format!("{prefix}{name}");
        if meta.is_dir() {
            zip.add_directory(format!("{entry}/"), options)
                .map_err(zip_error)?;
            add_folder(zip, &item.path(), &format!("{entry}/"), false)?;
        } else if meta.is_file() {
            // Not following a link swapped in since the listing; not
            // blocking on a FIFO.
            let flags = nix::fcntl::OFlag::O_NOFOLLOW | nix::fcntl::OFlag::O_NONBLOCK;
            let mut file = OpenOptions::new()
                .read(true)
                .custom_flags(flags.bits())
                .open(item.path())?;
            if !file.metadata()?.is_file() {
                continue;
            }
            zip.start_file(entry, options).map_err(zip_error)?;
            io::copy(&mut file, zip)?;
        }
    }
    Ok(())
}

fn zip_error(error: zip::result::ZipError) -> FilesError {
    FilesError::Io(io::Error::other(error.to_string()))
}

/// Sends what the zip writer writes to the response, a chunk at a time;
/// fails once the response is gone (the phone cancelled the download).
pub struct ChannelWriter {
    sender: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK_BYTES),
        ));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the download was cancelled"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}
