//! Where a WASM bundle's bytes go: twiggy's per-item sizes grouped by crate,
//! by pocketcode module and by function, before and after side by side.
//!
//! On rustc's output (before wasm-bindgen and wasm-opt): the shipped file
//! has lost its function names. Custom sections (names, producers) are left
//! out: wasm-opt drops them, so the shares are of code and data only.

use std::collections::HashMap;
use std::path::Path;

const TOP: usize = 10;

/// Sizes in bytes by group name.
type Sizes = HashMap<String, u64>;

struct Breakdown {
    total: u64,
    crates: Sizes,
    modules: Sizes,
    functions: Sizes,
}

/// Every item of `wasm` with its shallow size, from `twiggy top --format json`.
fn items(twiggy: &str, wasm: &Path) -> Result<Vec<(String, u64)>, String> {
    let output = std::process::Command::new(twiggy)
        .args(["top", "--format", "json", "-n", "100000000"])
        .arg(wasm)
        .output()
        .map_err(|e| format!("{twiggy}: {e} (`make bench-size` installs it)"))?;
    if !output.status.success() {
        return Err(format!(
            "twiggy top {}: {}",
            wasm.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let all: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("twiggy's JSON for {}: {e}", wasm.display()))?;
    Ok(all
        .iter()
        .filter_map(|item| {
            Some((
                item["name"].as_str()?.to_owned(),
                item["shallow_size"].as_u64()?,
            ))
        })
        // The name section's parts: `"function names" subsection`.
        .filter(|(name, _)| !name.starts_with("custom section") && !name.ends_with(" subsection"))
        .collect())
}

/// A demangled path without its trailing `::h<hash>`, so one function keeps
/// its name across builds.
fn without_hash(name: &str) -> &str {
    match name.rsplit_once("::h") {
        Some((head, hash)) if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            head
        }
        _ => name,
    }
}

/// The path a name starts with: `<a::B as c::D>::f` and `&a::b` → `a::B…`;
/// `<T as c::D>::f` (a generic or primitive type) → `c::D…`.
fn leading_path(name: &str) -> &str {
    let path = name
        .trim_start_matches(['<', '&', '*', '('])
        .trim_start_matches("mut ")
        .trim_start_matches("const ")
        .trim_start_matches("dyn ");
    match path.split_once(" as ") {
        Some((own, trait_path)) if !own.contains("::") => leading_path(trait_path),
        _ => path,
    }
}

/// `(crate, module)`: the first path segment, and for pocketcode's own
/// code its first two modules; items with no path (data segments, tables,
/// imports) are grouped by what they are.
fn groups(name: &str) -> (String, Option<String>) {
    let path = leading_path(name);
    let segments: Vec<&str> = path
        .split("::")
        .map(|s| s.split(['<', ' ', '{', '(', '>']).next().unwrap_or(""))
        .collect();
    if segments.len() < 2 || segments[0].is_empty() {
        let what = name.split(['[', ' ']).next().unwrap_or(name);
        return (format!("({what})"), None);
    }
    let module =
        (segments[0] == "pocketcode").then(|| segments[..segments.len().min(3)].join("::"));
    (segments[0].to_owned(), module)
}

fn breakdown(items: &[(String, u64)]) -> Breakdown {
    let mut out = Breakdown {
        total: 0,
        crates: Sizes::new(),
        modules: Sizes::new(),
        functions: Sizes::new(),
    };
    for (name, size) in items {
        out.total += size;
        let (krate, module) = groups(name);
        *out.crates.entry(krate).or_default() += size;
        if let Some(module) = module {
            *out.modules.entry(module).or_default() += size;
        }
        *out.functions
            .entry(without_hash(name).to_owned())
            .or_default() += size;
    }
    out
}

fn top(sizes: &Sizes) -> Vec<(&String, u64)> {
    let mut all: Vec<(&String, u64)> = sizes.iter().map(|(k, v)| (k, *v)).collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    all.truncate(TOP);
    all
}

fn cell(size: u64, total: u64) -> String {
    format!(
        "{:>9.1} KiB {:>5.1} %",
        size as f64 / 1024.0,
        size as f64 * 100.0 / total.max(1) as f64
    )
}

/// The after build's top ten of one grouping, each with its before size.
fn print_table(title: &str, pick: fn(&Breakdown) -> &Sizes, before: &Breakdown, after: &Breakdown) {
    println!("\n{title}, top {TOP} of the after build");
    println!("{:>19} {:>19}  name", "before", "after");
    for (name, size) in top(pick(after)) {
        let was = pick(before).get(name).copied().unwrap_or(0);
        let mut shown: String = name.chars().take(110).collect();
        if shown.len() < name.len() {
            shown.push('…');
        }
        println!(
            "{} {}  {shown}",
            cell(was, before.total),
            cell(size, after.total)
        );
    }
    let gone: Vec<String> = top(pick(before))
        .into_iter()
        .filter(|(name, _)| !pick(after).contains_key(*name))
        .map(|(name, size)| format!("{name} ({:.1} KiB)", size as f64 / 1024.0))
        .collect();
    if !gone.is_empty() {
        println!(
            "  in the before build's top {TOP}, gone after: {}",
            gone.join(", ")
        );
    }
}

/// Prints the three tables for `before` and `after` (label, rustc's WASM).
pub fn print(twiggy: &str, before: (&str, &Path), after: (&str, &Path)) -> Result<(), String> {
    let b = breakdown(&items(twiggy, before.1)?);
    let a = breakdown(&items(twiggy, after.1)?);
    println!(
        "\nWASM before wasm-bindgen and wasm-opt (code and data): {:.1} KiB before ({}), {:.1} KiB after ({})",
        b.total as f64 / 1024.0,
        before.0,
        a.total as f64 / 1024.0,
        after.0
    );
    print_table("by crate", |x| &x.crates, &b, &a);
    print_table("by pocketcode module", |x| &x.modules, &b, &a);
    print_table("by function", |x| &x.functions, &b, &a);
    Ok(())
}
