//! A remote chat's bytes over ssh: a file downloaded (`cat`), a folder as
//! a zip (the remote's `tar`, turned into the same streamed zip as a
//! local folder's), files uploaded (each streamed into a hidden temporary
//! file there, then all put in place or none). Each script checks the
//! path on the remote first; its first line `ok` says the bytes follow.

use std::io;
use std::process::Stdio;

use axum::extract::Multipart;
use bytes::Bytes;
use futures::Stream;
use futures::stream::BoxStream;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

use super::{RemoteTree, shell};
use crate::model::files::FolderListing;
use crate::server::files::archive;
use crate::server::files::upload::{Parts, settle, temp_name};
use crate::server::files::{Download, FileName, FilesError, WorktreePath};
use crate::server::state::AppState;

/// File `path` of a remote chat, streamed from the remote.
pub async fn download_file(
    state: &AppState,
    remote: &str,
    session: &str,
    path: &str,
) -> Result<Download<BoxStream<'static, io::Result<Bytes>>>, FilesError> {
    let path = WorktreePath::parse(path)?;
    let tree = RemoteTree::open(state, remote, session).await?;
    let mut child = Command::from(tree.command(&shell::cat(), &path, &[]));
    let mut child = child.stdin(Stdio::null()).kill_on_drop(true).spawn()?;
    let stdout = started(&tree, &mut child, &path, "a folder (download it as a zip)").await?;
    Ok(Download {
        file_name: path.file_name("file").to_owned(),
        size: None,
        body: Box::pin(stream_child(child, stdout)),
    })
}

/// Folder `path` of a remote chat as a zip, written as the remote's tar
/// streams in.
pub async fn download_zip(
    state: &AppState,
    remote: &str,
    session: &str,
    path: &str,
) -> Result<Download<BoxStream<'static, io::Result<Bytes>>>, FilesError> {
    // Checked first with a short command, so that a refusal is an answer
    // and not a broken zip.
    let (tree, path) =
        checked_folder(state, remote, session, path, FilesError::zip_of_a_file).await?;
    let mut command = tree.command(&shell::tar(), &path, &[]);
    command.stdin(Stdio::null()).stderr(Stdio::null());
    let root = path.as_str().is_empty();
    let shown = format!("{}:{}", tree.remote, path.shown());
    let body = archive::stream_zip(shown, move |zip| {
        let mut child = command.spawn()?;
        let mut stdout = child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("no stdout"))?;
        let added = read_ok(&mut stdout)
            .and_then(|()| archive::add_tar(zip, &mut stdout, root))
            // The tar's padding after its end, so that it can finish.
            .and_then(|()| Ok(io::copy(&mut stdout, &mut io::sink()).map(drop)?));
        if added.is_err() {
            // The phone went away mid-way, or the tar was not one.
            let _ = child.kill();
        }
        let status = child.wait()?;
        match added {
            Ok(()) if status.success() => Ok(()),
            Ok(()) => Err(FilesError::Remote(format!(
                "tar on the remote ended with {status}"
            ))),
            Err(error) => Err(error),
        }
    });
    Ok(Download {
        file_name: format!("{}.zip", path.file_name(session)),
        size: None,
        body: Box::pin(body),
    })
}

/// The first line, `ok`, of a blocking script's output.
fn read_ok(stdout: &mut impl io::Read) -> Result<(), FilesError> {
    let mut line = [0u8; 3];
    stdout.read_exact(&mut line)?;
    if &line == b"ok\n" {
        Ok(())
    } else {
        Err(FilesError::Remote(
            "the remote did not start the transfer".into(),
        ))
    }
}

/// Waits for the script's `ok` line; its refusal when it ends instead.
async fn started(
    tree: &RemoteTree,
    child: &mut Child,
    path: &WorktreePath,
    wrong_kind: &str,
) -> Result<BufReader<tokio::process::ChildStdout>, FilesError> {
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| io::Error::other("no stdout"))?;
    let mut stdout = BufReader::new(stdout);
    let mut line = String::new();
    stdout.read_line(&mut line).await?;
    if line == "ok\n" {
        return Ok(stdout);
    }
    let mut stderr = Vec::new();
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_end(&mut stderr).await;
    }
    let status = child.wait().await?;
    Err(tree.refused(shell::refusal(status.code(), &stderr), path, wrong_kind))
}

/// The child's stdout as a stream; an error at the end when it failed.
fn stream_child(
    child: Child,
    stdout: impl AsyncRead + Unpin + Send + 'static,
) -> impl Stream<Item = io::Result<Bytes>> {
    futures::stream::try_unfold((Some(child), stdout), |(child, mut stdout)| async move {
        let Some(mut child) = child else {
            return Ok(None);
        };
        let mut buffer = vec![0; 64 * 1024];
        let read = stdout.read(&mut buffer).await?;
        if read == 0 {
            let status = child.wait().await?;
            return if status.success() {
                Ok(None)
            } else {
                Err(io::Error::other(format!(
                    "the remote's cat ended with {status}"
                )))
            };
        }
        buffer.truncate(read);
        Ok(Some((Bytes::from(buffer), (Some(child), stdout))))
    })
}

/// The multipart `body`'s files into folder `path` of a remote chat; the
/// folder after. All or nothing, at most `--upload-max-mb` in all.
pub async fn upload(
    state: &AppState,
    remote: &str,
    session: &str,
    path: &str,
    mut body: Multipart,
) -> Result<FolderListing, FilesError> {
    let placed = upload_into(state, remote, session, path, &mut body).await;
    settle(placed, &mut body, state.upload_max_mb).await?;
    super::list_folder(state, remote, session, path).await
}

async fn upload_into(
    state: &AppState,
    remote: &str,
    session: &str,
    path: &str,
    body: &mut Multipart,
) -> Result<(), FilesError> {
    let (tree, folder) =
        checked_folder(state, remote, session, path, FilesError::upload_into_a_file).await?;
    let mut received: Vec<(String, FileName)> = Vec::new();
    let outcome = receive(&tree, &folder, body, state.upload_max_mb, &mut received).await;
    let placed = match outcome {
        Ok(()) => {
            let mut args: Vec<&str> = Vec::new();
            for (temp, name) in &received {
                args.extend([temp.as_str(), name.as_str()]);
            }
            tree.run(&shell::place(), &folder, &args)
                .await
                .map(|_| ())
                .map_err(|error| match error {
                    FilesError::Exists(name) => FilesError::Exists(folder_child(&folder, &name)),
                    other => other,
                })
        }
        Err(error) => Err(error),
    };
    if placed.is_err() && !received.is_empty() {
        let temps: Vec<&str> = received.iter().map(|(temp, _)| temp.as_str()).collect();
        if let Err(error) = tree.run(&shell::clean(), &folder, &temps).await {
            tracing::warn!(%error, remote, "an upload's temporary files stay on the remote");
        }
    }
    placed
}

fn folder_child(folder: &WorktreePath, name: &str) -> String {
    match FileName::parse(name) {
        Ok(name) => folder.join(&name).shown(),
        Err(_) => name.to_owned(),
    }
}

/// Streams every part into its own temporary file on the remote.
async fn receive(
    tree: &RemoteTree,
    folder: &WorktreePath,
    body: &mut Multipart,
    limit_mb: u64,
    received: &mut Vec<(String, FileName)>,
) -> Result<(), FilesError> {
    let mut parts = Parts::new(limit_mb);
    while let Some((name, mut field)) = parts.next(body).await? {
        let temp = temp_name();
        let mut child = Command::from(tree.command(&shell::receive(), folder, &[&temp]));
        let mut child = child.stdout(Stdio::null()).kill_on_drop(true).spawn()?;
        received.push((temp, name));
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| io::Error::other("no stdin"))?;
        while let Some(chunk) = parts.chunk(&mut field).await? {
            // A remote that stopped reading says why when it is waited for.
            if stdin.write_all(&chunk).await.is_err() {
                break;
            }
        }
        drop(stdin);
        let output = child.wait_with_output().await?;
        if !output.status.success() {
            return Err(tree.refused(
                shell::refusal(output.status.code(), &output.stderr),
                folder,
                "a file: upload into a folder",
            ));
        }
    }
    parts.finish()
}

/// Folder `path` of a remote chat, checked to be one on the remote (a
/// file is refused with `is_file`'s error).
async fn checked_folder(
    state: &AppState,
    remote: &str,
    session: &str,
    path: &str,
    is_file: fn(&WorktreePath) -> FilesError,
) -> Result<(RemoteTree, WorktreePath), FilesError> {
    let path = WorktreePath::parse(path)?;
    let tree = RemoteTree::open(state, remote, session).await?;
    if tree.kind(&path).await? != "folder" {
        return Err(is_file(&path));
    }
    Ok((tree, path))
}
