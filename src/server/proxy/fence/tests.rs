//! The fence's path logic against a real directory tree: `<root>/data`
//! holding the workspace and two chat worktrees, and lookalikes beside it.

use std::os::unix::fs::symlink;
use std::path::PathBuf;

use axum::http::{HeaderValue, Request};

use super::*;

const CHAT: &str = "acme__app__k3x9mq2p";
const OTHER_CHAT: &str = "acme__app__zz7ypq2a";

struct Tree {
    root: PathBuf,
    fence: Fence,
}

impl Tree {
    fn new(label: &str) -> Self {
        let root =
            std::env::temp_dir().join(format!("pocketcode-fence-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let data = root.join("data");
        for dir in [
            "data/workspace",
            "data/workspace2",
            "data/worktrees-evil",
            "data/worktrees/not-a-chat",
            "outside/secret",
        ] {
            std::fs::create_dir_all(root.join(dir)).expect("mkdir");
        }
        for chat in [CHAT, OTHER_CHAT] {
            std::fs::create_dir_all(data.join("worktrees").join(chat).join("src")).expect("mkdir");
        }
        std::fs::create_dir_all(data.join("worktrees-evil").join(CHAT)).expect("mkdir");
        let fence = Fence {
            workspace: data.join("workspace"),
            worktrees: data.join("worktrees"),
        };
        Self { root, fence }
    }

    fn chat(&self) -> PathBuf {
        self.fence.worktrees.join(CHAT)
    }

    fn path(&self, rest: &str) -> String {
        format!("{}/{rest}", self.root.display())
    }

    /// Where the fence sends `uri` with `header` (if any), or its refusal.
    async fn admit(&self, uri: &str, header: Option<&str>) -> Result<Parts, FenceError> {
        let mut request = Request::builder().uri(uri);
        if let Some(header) = header {
            request = request.header(DIRECTORY_HEADER, HeaderValue::from_str(header).expect("h"));
        }
        let (mut parts, ()) = request.body(()).expect("request").into_parts();
        self.fence.admit(&mut parts).await.map(|_| parts)
    }

    fn allowed(&self, directory: &str) -> PathBuf {
        match self.fence.resolve(directory) {
            Ok(root) => root,
            Err(err) => panic!("{directory:?} refused: {err}"),
        }
    }

    fn refused(&self, directory: &str) -> FenceError {
        match self.fence.resolve(directory) {
            Ok(root) => panic!("{directory:?} let through to {}", root.display()),
            Err(err) => err,
        }
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn query(uri: &str) -> String {
    form_urlencoded::parse(uri.as_bytes())
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn the_workspace_and_chat_worktrees_are_allowed_in_pocketcodes_spelling() {
    let tree = Tree::new("allowed");
    let chat = tree.chat();
    let workspace = tree.fence.workspace.clone();
    assert_eq!(tree.allowed(&chat.display().to_string()), chat);
    assert_eq!(tree.allowed(&format!("{}/", chat.display())), chat);
    assert_eq!(tree.allowed(&format!("{}//", chat.display())), chat);
    // `..` after a directory that does not exist resolves nowhere.
    tree.refused(&tree.path("data/worktrees/x/../.."));
    let via_dots = tree.path(&format!("data/worktrees/{CHAT}/src/../../{OTHER_CHAT}"));
    assert_eq!(
        tree.allowed(&via_dots),
        tree.fence.worktrees.join(OTHER_CHAT)
    );
    assert_eq!(
        tree.allowed(&tree.path("data/worktrees/../workspace")),
        workspace
    );
}

#[test]
fn dot_dot_and_lookalike_prefixes_are_refused() {
    let tree = Tree::new("outside");
    for outside in [
        "/etc".to_string(),
        "/".to_string(),
        tree.path(&format!("data/worktrees/{CHAT}/../../../outside/secret")),
        tree.path("data/workspace2"),
        tree.path("data/worktrees-evil"),
        tree.path(&format!("data/worktrees-evil/{CHAT}")),
        tree.path("data/worktrees"),
        tree.path("data"),
        // Not a chat's name, and a chat's subdirectory: neither is a root.
        tree.path("data/worktrees/not-a-chat"),
        tree.path(&format!("data/worktrees/{CHAT}/src")),
        tree.path("data/workspace/.git/.."),
    ] {
        let err = tree.refused(&outside);
        assert!(err.to_string().contains(&outside), "{err} names {outside}");
    }
    assert!(matches!(
        tree.refused(&tree.path("data/workspace/.git/..")),
        FenceError::Unresolvable { .. }
    ));
    assert!(matches!(
        tree.refused("data/workspace"),
        FenceError::Relative(_)
    ));
    let missing = tree.refused(&tree.path("data/worktrees/acme__app__nochat1"));
    assert!(missing.to_string().contains("does not exist"), "{missing}");
}

#[test]
fn a_symlink_out_of_a_worktree_is_refused_one_to_another_chat_resolves() {
    let tree = Tree::new("symlink");
    let chat = tree.chat();
    symlink(tree.path("outside/secret"), chat.join("escape")).expect("symlink");
    symlink("/etc", chat.join("etc")).expect("symlink");
    symlink(tree.fence.worktrees.join(OTHER_CHAT), chat.join("next")).expect("symlink");
    for link in ["escape", "etc", "escape/", "escape/.."] {
        let directory = format!("{}/{link}", chat.display());
        assert!(matches!(tree.refused(&directory), FenceError::Outside(_)));
    }
    // A symlink to another chat is that chat, forwarded as pocketcode names it.
    let via_link = format!("{}/next", chat.display());
    assert_eq!(
        tree.allowed(&via_link),
        tree.fence.worktrees.join(OTHER_CHAT)
    );
    // The worktrees dir itself behind a symlink still counts as the worktrees.
    let alias = PathBuf::from(tree.path("alias"));
    symlink(&tree.fence.worktrees, &alias).expect("symlink");
    assert_eq!(tree.allowed(&alias.join(CHAT).display().to_string()), chat);
}

#[tokio::test]
async fn requests_are_rewritten_to_the_allowed_directory() {
    let tree = Tree::new("rewrite");
    let chat = tree.chat().display().to_string();
    // Nothing named: untouched.
    let parts = tree.admit("/file?path=a", None).await.expect("admitted");
    assert_eq!(parts.uri, "/file?path=a");
    // A spelling through `..` goes on as the worktree itself, other
    // parameters byte for byte.
    let dotted = format!("{chat}/src/..");
    let uri = format!("/file/content?path=a%20b&directory={dotted}&x=%2F");
    let parts = tree.admit(&uri, Some(&dotted)).await.expect("admitted");
    assert_eq!(parts.headers[DIRECTORY_HEADER], chat.as_str());
    let forwarded = parts.uri.query().expect("query");
    assert!(
        forwarded.starts_with("path=a%20b&directory="),
        "{forwarded}"
    );
    assert!(forwarded.ends_with("&x=%2F"), "{forwarded}");
    assert_eq!(
        query(forwarded),
        format!("path=a b&directory={chat}&x=/"),
        "{forwarded}"
    );
    // The /api/ routes' parameter, and a header encoded as opencode's
    // clients encode it.
    let encoded = naming::encode_uri_component(&chat);
    let uri = format!("/api/fs/list?location%5Bdirectory%5D={encoded}");
    let parts = tree.admit(&uri, Some(&encoded)).await.expect("admitted");
    assert_eq!(parts.headers[DIRECTORY_HEADER], chat.as_str());
    assert_eq!(
        query(parts.uri.query().expect("query")),
        format!("location[directory]={chat}")
    );
}

#[tokio::test]
async fn encoded_dots_in_the_query_and_header_are_refused() {
    let tree = Tree::new("encoded");
    let chat = tree.chat().display().to_string();
    for uri in [
        format!("/file?directory={chat}/..%2F..%2F..%2Fetc"),
        format!("/file?directory={chat}/%2e%2e/%2e%2e/%2e%2e"),
        format!("/file?directory={chat}/%252e%252e/%252e%252e/%252e%252e"),
        format!("/api/fs/read/passwd?location[directory]={chat}/%2e%2e/%2e%2e/%2e%2e"),
        "/file?directory=%2Fetc".to_string(),
    ] {
        let err = tree.admit(&uri, None).await.expect_err(&uri);
        assert!(
            matches!(
                err,
                FenceError::Outside(_) | FenceError::Unresolvable { .. }
            ),
            "{uri}: {err}"
        );
    }
    let header = format!("{chat}%2F..%2F..%2F..%2Fetc");
    let err = tree
        .admit("/file", Some(&header))
        .await
        .expect_err("header");
    assert!(err.to_string().contains("/etc"), "{err}");
    // The same directory twice is fine; a second, different one is not.
    let uri = format!("/file?directory={chat}");
    let err = tree.admit(&uri, Some("/etc")).await.expect_err("two");
    assert!(matches!(err, FenceError::Conflicting { .. }), "{err}");
    tree.admit(&uri, Some(&chat))
        .await
        .expect("the same one twice");
}

#[test]
fn refusals_are_403_with_the_directory_in_the_json_error() {
    use axum::response::IntoResponse;
    let refusal = crate::server::proxy::ProxyError::from(FenceError::Outside("/etc".into()));
    assert!(refusal.to_string().contains("\"/etc\""), "{refusal}");
    let response = refusal.into_response();
    assert_eq!(response.status(), axum::http::StatusCode::FORBIDDEN);
}
