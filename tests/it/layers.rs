//! The crate's layers only import downwards: domain ← storage ← state ←
//! web. This reads every file under `src/` and fails on an upward path, or
//! on a domain file that names the web or database crates.

use std::path::{Path, PathBuf};

/// Rank of a layer; a file may only name layers of lower or equal rank.
fn rank(layer: &str) -> Option<u8> {
    match layer {
        "domain" => Some(0),
        "storage" => Some(1),
        "state" => Some(2),
        "web" => Some(3),
        _ => None,
    }
}

/// The layer a source file belongs to, from where it lives.
fn layer_of(src: &Path, file: &Path) -> Option<&'static str> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    match first {
        "domain" => Some("domain"),
        "storage" => Some("storage"),
        "state.rs" => Some("state"),
        "web" => Some("web"),
        _ => None, // lib.rs and main.rs sit above every layer
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Code lines only: comments name crates freely.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_start()))
        .filter(|(_, l)| !l.starts_with("//"))
}

/// Every `crate::<layer>` a line names.
fn layers_named(line: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let name: &str = after
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        found.push(name);
        rest = after;
    }
    found
}

const FRAMEWORK_CRATES: [&str; 6] = [
    "axum",
    "askama",
    "askama_web",
    "sqlx",
    "tower_http",
    "tower_sessions",
];

fn names_framework(line: &str) -> Option<&'static str> {
    FRAMEWORK_CRATES.into_iter().find(|c| {
        let path = format!("{c}::");
        line.match_indices(&path).any(|(i, _)| {
            i == 0
                || !line[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|p| p.is_ascii_alphanumeric() || p == '_' || p == ':')
        }) || line.starts_with(&format!("use {c}"))
    })
}

fn violations() -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut bad = Vec::new();
    for file in files {
        let Some(layer) = layer_of(&src, &file) else {
            continue;
        };
        let own = rank(layer).expect("known layer");
        let text = std::fs::read_to_string(&file).expect("read file");
        let shown = file.strip_prefix(&src).unwrap_or(&file).display();
        for (n, line) in code_lines(&text) {
            for named in layers_named(line) {
                if let Some(r) = rank(named)
                    && r > own
                {
                    bad.push(format!("{shown}:{n}: {layer} names crate::{named}"));
                }
            }
            if layer == "domain"
                && let Some(c) = names_framework(line)
            {
                bad.push(format!("{shown}:{n}: domain names {c}"));
            }
        }
    }
    bad
}

#[test]
fn no_layer_imports_a_layer_above_it_and_the_domain_names_no_framework() {
    let bad = violations();
    assert!(bad.is_empty(), "upward imports:\n{}", bad.join("\n"));
}

#[test]
fn the_layer_check_notices_an_upward_path_and_a_framework_in_the_domain() {
    assert_eq!(
        layers_named("use crate::web::page::Page; crate::storage::x"),
        ["web", "storage"]
    );
    assert_eq!(names_framework("use sqlx::PgPool;"), Some("sqlx"));
    assert_eq!(names_framework("#[derive(sqlx::FromRow)]"), Some("sqlx"));
    assert_eq!(names_framework("let x = my_sqlx::y;"), None);
    assert_eq!(names_framework("use axum::Router;"), Some("axum"));
}

/// The module path of a source file: `src/web/records/record.rs` is
/// `web::records::record`, a `mod.rs` is its folder's.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The file that defines the longest prefix of `path` that is a module.
fn file_of(src: &Path, path: &[String]) -> Option<PathBuf> {
    (1..=path.len()).rev().find_map(|n| {
        let dir = path[..n].iter().fold(src.to_path_buf(), |d, p| d.join(p));
        let file = dir.with_extension("rs");
        let module = dir.join("mod.rs");
        [file, module].into_iter().find(|f| f.is_file())
    })
}

/// The paths a line names, as module paths from the crate root: `crate::…`,
/// `super::…` (from `module`) and a declared child's `child::…`, with a
/// `{a, b::c}` group after them opened.
fn paths_named(line: &str, module: &[String], children: &[String]) -> Vec<Vec<String>> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = Vec::new();
    for (i, _) in line.char_indices() {
        if i > 0 && (ident(line[..i].chars().next_back().unwrap()) || line[..i].ends_with(':')) {
            continue;
        }
        let rest = &line[i..];
        let (mut base, after) = if let Some(a) = rest.strip_prefix("crate::") {
            (Vec::new(), a)
        } else if let Some(a) = rest.strip_prefix("super::") {
            let mut up = module.to_vec();
            up.pop();
            (up, a)
        } else if let Some(child) = children
            .iter()
            .find(|c| rest.starts_with(&format!("{c}::")))
        {
            let mut m = module.to_vec();
            m.push(child.clone());
            (m, &rest[child.len() + 2..])
        } else {
            continue;
        };
        let mut segs = after.split("::");
        let mut groups = Vec::new();
        for seg in segs.by_ref() {
            if seg.starts_with('{') {
                let inner = after[after.find('{').unwrap_or(0) + 1..]
                    .split('}')
                    .next()
                    .unwrap_or("");
                groups.extend(
                    inner
                        .split(',')
                        .map(|s| s.trim().split("::").next().unwrap_or("").to_string()),
                );
                break;
            }
            let name: String = seg.chars().take_while(|&c| ident(c)).collect();
            if name.is_empty() {
                break;
            }
            base.push(name.clone());
            if name.len() != seg.len() {
                break;
            }
        }
        if groups.is_empty() {
            out.push(base);
        } else {
            for g in groups.into_iter().filter(|g| !g.is_empty() && g != "self") {
                let mut p = base.clone();
                p.push(g);
                out.push(p);
            }
        }
    }
    out
}

/// File → the files it takes names from (tests at a file's end left out).
fn import_graph() -> std::collections::BTreeMap<PathBuf, std::collections::BTreeSet<PathBuf>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph = std::collections::BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read file");
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        let module = module_of(&src, &file);
        let children: Vec<String> = code_lines(code)
            .filter_map(|(_, l)| {
                let l = l
                    .trim_start_matches("pub ")
                    .trim_start_matches("pub(crate) ");
                l.strip_prefix("mod ")?
                    .strip_suffix(';')
                    .map(str::to_string)
            })
            .collect();
        let mut to = std::collections::BTreeSet::new();
        for (_, line) in code_lines(code) {
            for path in paths_named(line, &module, &children) {
                if let Some(f) = file_of(&src, &path)
                    && f != file
                {
                    to.insert(f.strip_prefix(&src).unwrap().to_path_buf());
                }
            }
        }
        graph.insert(file.strip_prefix(&src).unwrap().to_path_buf(), to);
    }
    graph
}

/// Groups of two or more files that import each other, directly or round a loop.
fn circles(
    graph: &std::collections::BTreeMap<PathBuf, std::collections::BTreeSet<PathBuf>>,
) -> Vec<Vec<PathBuf>> {
    // Files that reach each other are in one circle: reachability both ways.
    let reach = |from: &PathBuf| {
        let mut seen = std::collections::BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(f) = todo.pop() {
            for t in graph.get(&f).into_iter().flatten() {
                if seen.insert(t.clone()) {
                    todo.push(t.clone());
                }
            }
        }
        seen
    };
    let reached: std::collections::BTreeMap<_, _> =
        graph.keys().map(|f| (f.clone(), reach(f))).collect();
    let mut done = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for f in graph.keys() {
        if done.contains(f) || !reached[f].contains(f) {
            continue;
        }
        let circle: Vec<PathBuf> = graph
            .keys()
            .filter(|g| reached[f].contains(*g) && reached[*g].contains(f))
            .cloned()
            .collect();
        done.extend(circle.iter().cloned());
        out.push(circle);
    }
    out
}

#[test]
fn no_two_files_import_each_other_directly_or_round_a_loop() {
    let found = circles(&import_graph());
    let shown: Vec<String> = found
        .iter()
        .map(|c| {
            c.iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" ↔ ")
        })
        .collect();
    assert!(
        found.is_empty(),
        "files importing each other:\n{}",
        shown.join("\n")
    );
}

#[test]
fn the_circle_check_reads_crate_super_and_child_paths_and_finds_a_loop() {
    let m = |s: &str| s.split("::").map(str::to_string).collect::<Vec<_>>();
    assert_eq!(
        paths_named("use crate::web::{auth::X, page};", &m("web::api"), &[]),
        [m("web::auth"), m("web::page")]
    );
    assert_eq!(
        paths_named(
            "use super::record::{Record, Viewer};",
            &m("web::records::cases"),
            &[]
        ),
        [
            m("web::records::record::Record"),
            m("web::records::record::Viewer")
        ]
    );
    assert_eq!(
        paths_named(
            ".merge(record::pages::<R>())",
            &m("web::records"),
            &["record".into()]
        ),
        [m("web::records::record::pages")]
    );
    let g = |pairs: &[(&str, &str)]| {
        let mut g: std::collections::BTreeMap<PathBuf, std::collections::BTreeSet<PathBuf>> =
            Default::default();
        for (a, b) in pairs {
            g.entry(a.into()).or_default().insert(b.into());
            g.entry(b.into()).or_default();
        }
        g
    };
    assert_eq!(
        circles(&g(&[
            ("a.rs", "b.rs"),
            ("b.rs", "c.rs"),
            ("c.rs", "a.rs"),
            ("c.rs", "d.rs")
        ])),
        [vec![PathBuf::from("a.rs"), "b.rs".into(), "c.rs".into()]]
    );
    assert!(circles(&g(&[("a.rs", "b.rs"), ("b.rs", "c.rs")])).is_empty());
}
