//! Finding line numbers in YAML text for problems found after parsing (a text scan: good enough for the
//! block and flow styles people write, and never wrong about which item, only possibly about the line).

/// The 1-based line range `[start, end)` of a top-level key's block (`pages:` up to the next top-level key).
pub fn section(source: &str, key: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = source.lines().collect();
    let start = lines.iter().position(|l| is_top_key(l, key))?;
    let end = lines
        .iter()
        .enumerate()
        .skip(start + 1)
        .find(|(_, l)| starts_top_level_key(l))
        .map_or(lines.len(), |(i, _)| i);
    Some((start + 1, end + 1))
}

/// The line of a top-level key (`weighting:`).
pub fn top_key(source: &str, key: &str) -> Option<usize> {
    source.lines().position(|l| is_top_key(l, key)).map(|i| i + 1)
}

/// The line where `key: value` first appears within `range` (any indentation, block or flow style).
pub fn key_value(source: &str, key: &str, value: &str, range: Option<(usize, usize)>) -> Option<usize> {
    let (from, to) = range.unwrap_or((1, usize::MAX));
    source
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(n, _)| *n >= from && *n < to)
        .find(|(_, l)| line_has(l, key, value))
        .map(|(n, _)| n)
}

/// The line of `id: <id>` of an item in a top-level section (`pages`, `derived`, `quotas`), or anywhere
/// when the section is absent.
pub fn item(source: &str, section_key: &str, id: &str) -> Option<usize> {
    key_value(source, "id", id, section(source, section_key)).or_else(|| key_value(source, "id", id, None))
}

/// The line of the `n`-th (0-based) `id: <id>` in a section, e.g. the second definition of a duplicate id.
pub fn nth_item(source: &str, section_key: &str, id: &str, n: usize) -> Option<usize> {
    let (from, to) = section(source, section_key).unwrap_or((1, usize::MAX));
    source
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(line, l)| *line >= from && *line < to && line_has(l, "id", id))
        .nth(n)
        .map(|(line, _)| line)
}

/// The line of the first occurrence of `key:` (any value) after line `from`, e.g. `show_if:` of a question.
pub fn key_after(source: &str, key: &str, from: usize) -> Option<usize> {
    source
        .lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| find_key(l, key).is_some())
        .map(|(i, _)| i + 1)
}

fn is_top_key(line: &str, key: &str) -> bool {
    line.strip_prefix(key)
        .is_some_and(|rest| rest.trim_start().starts_with(':'))
}

fn starts_top_level_key(line: &str) -> bool {
    line.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_') && line.contains(':')
}

/// Byte offset just after `key:` when `key` appears as a whole key on the line.
fn find_key(line: &str, key: &str) -> Option<usize> {
    let pattern = format!("{key}:");
    let mut search = 0;
    while let Some(pos) = line.get(search..)?.find(&pattern) {
        let at = search + pos;
        let before = line.get(..at).and_then(|b| b.chars().last());
        let quoted_before = matches!(before, Some('"' | '\''));
        if !quoted_before && before.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.')) {
            return Some(at + pattern.len());
        }
        search = at + pattern.len();
    }
    None
}

fn line_has(line: &str, key: &str, value: &str) -> bool {
    let Some(after) = find_key(line, key) else {
        return false;
    };
    let rest = line.get(after..).unwrap_or("").trim_start();
    let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
    rest.strip_prefix(value).is_some_and(|tail| {
        tail.chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | '}' | '#'))
    })
}

/// The 1-based line of a byte offset (e.g. of a serde_norway error location).
pub fn line_of_offset(source: &str, offset: usize) -> usize {
    source.get(..offset).map_or(1, |s| s.matches('\n').count() + 1)
}
