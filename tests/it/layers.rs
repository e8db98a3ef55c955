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
