//! The pages other than a chat, each its own WASM chunk (see `app::lazy`):
//! a phone opening a chat never downloads the code of Repos, Resources,
//! Connections, Search or the home page. The router fetches a page's chunk
//! when it is entered; a page loaded from the server has its chunk fetched
//! before hydration starts ([`load_page_chunk`], called by `crate::hydrate`),
//! so the app still hydrates in one synchronous pass. Their bytes come ahead
//! once the page is idle (`app::chunk_prefetch`), so entering a page later
//! only compiles its chunk, from the cache. A chunk that
//! cannot come (offline, or a server updated since the page loaded) shows a
//! line saying so with a link that loads the page afresh.
//!
//! Why not hydrate while the chunk is on the way (`hydrate_lazy`): the part
//! of the app already hydrated comes alive and runs (its live event stream
//! opens, the resync reloads the chat list, effects run) while the page
//! waits, so the page then hydrates against a state that is no longer the
//! one the server rendered. Now and then (1 load in 10 under load) that
//! made hydration panic half-way (tachys met a node where the home page
//! has a static element), leaving the page dead.

use crate::app::erase::Erase;
use leptos::prelude::*;
use leptos_router::LazyRoute;

use super::home::HomePage;
use super::lazy::{ChunkError, Loaded};
use super::remotes::RemotesPage;
use super::repos::ReposPage;
use super::resources::ResourcesPage;
use super::search::SearchPage;

/// Defines a page's chunk: `$name` (returns the page), `$preload` (fetches
/// the chunk only), in the chunk `$chunk`.
macro_rules! page_chunk {
    ($chunk:ident, $preload:ident, fn $name:ident() $body:block) => {
        #[leptos::wasm_split::wasm_split(
            $chunk,
            wasm_split_path = ::leptos::wasm_split,
            fallible,
            preload($preload)
        )]
        fn $name() -> Loaded $body
    };
}

page_chunk!(
    page_home,
    preload_home,
    fn home() {
        Ok(view! { <HomePage /> }.erase())
    }
);

page_chunk!(
    page_repos,
    preload_repos,
    fn repos() {
        Ok(view! { <ReposPage /> }.erase())
    }
);

page_chunk!(
    page_resources,
    preload_resources,
    fn resources() {
        Ok(view! { <ResourcesPage /> }.erase())
    }
);

page_chunk!(
    page_connections,
    preload_connections,
    fn connections() {
        Ok(view! { <RemotesPage /> }.erase())
    }
);

page_chunk!(
    page_search,
    preload_search,
    fn search() {
        Ok(view! { <SearchPage /> }.erase())
    }
);

/// The line shown in place of a page whose chunk did not come.
fn failed(_: ChunkError) -> AnyView {
    view! {
        <p role="alert" class="p-3 text-red-400">
            "Could not load this page: check the connection, then reload it. "
            // A full load: the server sends the page and its current chunks.
            <a href="" rel="external" class="underline">
                "Reload"
            </a>
        </p>
    }
    .erase()
}

/// Defines a lazy route `$route` showing `$load`'s page.
macro_rules! lazy_page {
    ($route:ident, $load:ident, $preload:ident) => {
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_: Self) -> AnyView {
                $load().await.unwrap_or_else(failed)
            }

            async fn preload() {
                _ = $preload().await;
            }
        }
    };
}

lazy_page!(HomeRoute, home, preload_home);
lazy_page!(ReposRoute, repos, preload_repos);
lazy_page!(ResourcesRoute, resources, preload_resources);
lazy_page!(ConnectionsRoute, connections, preload_connections);
lazy_page!(SearchRoute, search, preload_search);

/// A page that has its own chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Page {
    Home,
    Repos,
    Resources,
    Connections,
    Search,
}

impl Page {
    /// The page the router shows at `path` (a URL's path, without its
    /// query), if it is one with its own chunk: the paths of `App`'s lazy
    /// routes.
    fn at(path: &str) -> Option<Self> {
        let path = match path.strip_suffix('/') {
            Some(trimmed) if !trimmed.is_empty() => trimmed,
            _ => path,
        };
        Some(match path {
            "/" => Self::Home,
            "/repos" => Self::Repos,
            "/resources" => Self::Resources,
            "/connections" => Self::Connections,
            "/search" => Self::Search,
            _ => return None,
        })
    }

    async fn preload(self) -> Result<(), ChunkError> {
        match self {
            Self::Home => preload_home().await,
            Self::Repos => preload_repos().await,
            Self::Resources => preload_resources().await,
            Self::Connections => preload_connections().await,
            Self::Search => preload_search().await,
        }
        .map_err(ChunkError::from)
    }
}

/// Fetches the chunk of the page at `path`, if it has one, so that the
/// router finds it loaded and hydrates the page synchronously.
pub async fn load_page_chunk(path: &str) -> Result<(), ChunkError> {
    match Page::at(path) {
        Some(page) => page.preload().await,
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lazy_routes_paths_and_no_other() {
        assert_eq!(Page::at("/"), Some(Page::Home));
        assert_eq!(Page::at("/repos"), Some(Page::Repos));
        assert_eq!(Page::at("/repos/"), Some(Page::Repos));
        assert_eq!(Page::at("/resources"), Some(Page::Resources));
        assert_eq!(Page::at("/connections"), Some(Page::Connections));
        assert_eq!(Page::at("/search"), Some(Page::Search));
        assert_eq!(Page::at("/chat/local/project/abc123"), None);
        assert_eq!(Page::at("/remote/box/ses_1"), None);
        assert_eq!(Page::at("/repos/x"), None);
        assert_eq!(Page::at(""), None);
    }
}
