//! A whole HTML document around a script-less page.

use leptos::prelude::*;

/// Renders `body` into a complete page titled `title`, styled by the app's
/// stylesheet at `stylesheet`. Runs on the server only.
pub fn render_document<V: IntoView + 'static>(
    title: &str,
    stylesheet: &str,
    body: impl FnOnce() -> V,
) -> String {
    let stylesheet = stylesheet.to_owned();
    let title = format!("{title} · pocketcode");
    let owner = Owner::new();
    owner.with(|| {
        view! {
            <!DOCTYPE html>
            <html lang="en">
                <head>
                    <meta charset="utf-8" />
                    <meta
                        name="viewport"
                        content="width=device-width, initial-scale=1, viewport-fit=cover"
                    />
                    <meta name="theme-color" content="#000000" />
                    <meta name="robots" content="noindex" />
                    <title>{title}</title>
                    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                    <link rel="stylesheet" href=stylesheet />
                </head>
                <body class="flex min-h-dvh flex-col items-center justify-center bg-black px-4 font-mono text-neutral-300">
                    {body()}
                </body>
            </html>
        }
        .to_html()
    })
}
