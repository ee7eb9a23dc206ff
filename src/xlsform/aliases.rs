//! The other spellings pyxform accepts for question types and column headers, each turned into the one
//! the importer reads (`select one from yes_no` → `select_one yes_no`, `relevance` → `relevant`,
//! `label:English` → `label` in English).
//!
//! The tables follow pyxform's `aliases.py` and `question_type_dictionary.py`: legacy spellings from the
//! first XLSForm tools are still found in old questionnaires, so each is read as pyxform reads it. A
//! spelling maps to what it means; whether Opros can express that is decided later (a `gps` row becomes
//! `geopoint` and is then reported as a location question).

/// Select commands written before the list name, with the canonical type each means.
const SELECTS: [(&str, &str); 17] = [
    ("add select one prompt using", "select_one"),
    ("add select multiple prompt using", "select_multiple"),
    ("select all that apply from", "select_multiple"),
    ("select one from", "select_one"),
    ("select1", "select_one"),
    ("select_one", "select_one"),
    ("select one", "select_one"),
    ("select_multiple", "select_multiple"),
    ("select multiple", "select_multiple"),
    ("select all that apply", "select_multiple"),
    ("select_all_that_apply", "select_multiple"),
    ("select_one_external", "select_one_external"),
    ("select_one_from_file", "select_one_from_file"),
    ("select_multiple_from_file", "select_multiple_from_file"),
    ("select one from file", "select_one_from_file"),
    ("select multiple from file", "select_multiple_from_file"),
    ("rank", "rank"),
];

/// What may follow the list name to add an "other, specify" choice.
const OR_OTHER: [&str; 3] = ["or specify other", "or_other", "or other"];

/// Whole-type spellings (lower case, single spaces) with the canonical type.
const TYPES: [(&str, &str); 56] = [
    ("int", "integer"),
    ("q int", "integer"),
    ("add integer prompt", "integer"),
    ("q decimal", "decimal"),
    ("add decimal prompt", "decimal"),
    ("string", "text"),
    ("q string", "text"),
    ("add text prompt", "text"),
    ("q date", "date"),
    ("add date prompt", "date"),
    ("q note", "note"),
    ("add note prompt", "note"),
    ("q calculate", "calculate"),
    ("add calculate prompt", "calculate"),
    ("start time", "start"),
    ("get start time", "start"),
    ("end time", "end"),
    ("get end time", "end"),
    ("get today", "today"),
    ("date time", "datetime"),
    ("q date time", "datetime"),
    ("q datetime", "datetime"),
    ("add date time prompt", "datetime"),
    ("add datetime prompt", "datetime"),
    ("location", "geopoint"),
    ("gps", "geopoint"),
    ("q location", "geopoint"),
    ("add location prompt", "geopoint"),
    ("q geopoint", "geopoint"),
    ("q geoshape", "geoshape"),
    ("q geotrace", "geotrace"),
    ("photo", "image"),
    ("q picture", "image"),
    ("q image", "image"),
    ("add image prompt", "image"),
    ("add photo prompt", "image"),
    ("q audio", "audio"),
    ("add audio prompt", "audio"),
    ("q video", "video"),
    ("add video prompt", "video"),
    ("add file prompt", "file"),
    ("q barcode", "barcode"),
    ("add barcode prompt", "barcode"),
    ("q acknowledge", "acknowledge"),
    ("add acknowledge prompt", "acknowledge"),
    ("imei", "deviceid"),
    ("device id", "deviceid"),
    ("get device id", "deviceid"),
    ("uri:deviceid", "deviceid"),
    ("subscriber id", "subscriberid"),
    ("get subscriber id", "subscriberid"),
    ("uri:subscriberid", "subscriberid"),
    ("sim id", "simserial"),
    ("get sim id", "simserial"),
    ("uri:simserial", "simserial"),
    ("select one external", "select_one_external"),
];

/// More whole-type spellings (kept apart to keep each table readable).
const MORE_TYPES: [(&str, &str); 9] = [
    ("phone number", "phonenumber"),
    ("get phone number", "phonenumber"),
    ("uri:phonenumber", "phonenumber"),
    ("uri:username", "username"),
    ("uri:email", "email"),
    ("percentage", "percentage"),
    ("number of days in last month", "days_in_last_month"),
    ("number of days in last six months", "days_in_last_six_months"),
    ("number of days in last year", "days_in_last_year"),
];

/// Group kinds after `begin`/`end`, with the canonical kind.
const CONTROLS: [(&str, &str); 5] = [
    ("group", "group"),
    ("repeat", "repeat"),
    ("lgroup", "repeat"),
    ("looped group", "repeat"),
    ("loop", "loop"),
];

/// The canonical spelling of a `type` cell: `select_one LIST [or_other]`, `select_multiple LIST`,
/// `rank LIST`, `begin_group`, `end_repeat`, `begin_loop LIST`, `integer`, … List names keep their case
/// (they are matched against the choices sheet as written); everything else is lower case. A cell that
/// matches no known spelling is returned with its first word in lower case, for the caller to report.
pub(crate) fn question_type(raw: &str) -> String {
    let words: Vec<&str> = raw.split_whitespace().collect();
    let lower = words.iter().map(|w| w.to_lowercase()).collect::<Vec<_>>().join(" ");
    if let Some(t) = control(&lower, &words) {
        return t;
    }
    if let Some(t) = select(&lower, &words) {
        return t;
    }
    if let Some((_, t)) = TYPES.iter().chain(MORE_TYPES.iter()).find(|(a, _)| *a == lower) {
        return (*t).to_owned();
    }
    // Unknown: the first word in lower case, the rest as written (the caller reports what follows a list).
    let mut out: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    if let Some(first) = out.first_mut() {
        *first = first.to_lowercase();
    }
    out.join(" ")
}

/// `begin group`, `begin_repeat`, `begin loop over LIST`, `end looped group`, …
fn control(lower: &str, words: &[&str]) -> Option<String> {
    let (edge, rest) = lower
        .strip_prefix("begin")
        .map(|r| ("begin", r))
        .or_else(|| lower.strip_prefix("end").map(|r| ("end", r)))?;
    let rest = rest.strip_prefix([' ', '_'])?;
    for (alias, kind) in CONTROLS {
        let Some(after) = rest.strip_prefix(alias) else {
            continue;
        };
        if after.is_empty() {
            return Some(format!("{edge}_{kind}"));
        }
        // `begin loop over LIST` / `begin repeat LIST`: the list keeps its case (last word).
        let tail: Vec<&str> = after.split_whitespace().collect();
        let list_ok = edge == "begin" && matches!(tail.as_slice(), [_] | ["over", _]);
        if after.starts_with(' ') && list_ok {
            let list = words.last().copied().unwrap_or("");
            return Some(format!("{edge}_{kind} {list}"));
        }
    }
    None
}

/// `select one from LIST or specify other` and the other select spellings.
fn select(lower: &str, words: &[&str]) -> Option<String> {
    for (alias, kind) in SELECTS {
        if lower == alias {
            // The list may be in KoBoToolbox's select_from_list_name column.
            return Some(kind.to_owned());
        }
        let Some(after) = lower.strip_prefix(alias).and_then(|a| a.strip_prefix(' ')) else {
            continue;
        };
        let alias_words = alias.split(' ').count();
        let tail = after.split_once(' ').map_or("", |(_, t)| t);
        let list = words.get(alias_words).copied().unwrap_or("");
        if tail.is_empty() {
            return Some(format!("{kind} {list}"));
        }
        if OR_OTHER.contains(&tail) {
            return Some(format!("{kind} {list} or_other"));
        }
    }
    // `select_one LIST something`: the longest select spelling, then the list and what follows, for the
    // caller to report.
    let (alias, kind) = SELECTS
        .iter()
        .filter(|(a, _)| lower.strip_prefix(a).is_some_and(|r| r.starts_with(' ')))
        .max_by_key(|(a, _)| a.len())?;
    let rest: Vec<&str> = words.iter().skip(alias.split(' ').count()).copied().collect();
    Some(format!("{kind} {}", rest.join(" ")))
}

/// The canonical name of a column header's first part (already in snake case) in a sheet.
pub(crate) fn column<'a>(sheet: &str, snake: &'a str) -> &'a str {
    let survey = || match snake {
        "relevance" => "relevant",
        "caption" => "label",
        "calculate" => "calculation",
        "command" => "type",
        "tag" | "value" => "name",
        "readonly" => "read_only",
        "constraining_message" | "jr:constraintmsg" => "constraint_message",
        "requiredmsg" | "jr:requiredmsg" => "required_message",
        "count" | "jr:count" => "repeat_count",
        "noapperrorstring" | "jr:noapperrorstring" => "no_app_error_string",
        other => other,
    };
    match sheet {
        "survey" => survey(),
        "choices" => match snake {
            "caption" => "label",
            "value" => "name",
            other => other,
        },
        "settings" => match snake {
            "set_form_title" => "form_title",
            "set_form_id" => "form_id",
            other => other,
        },
        _ => snake,
    }
}

/// Splits a header into its parts as pyxform does: on `::` when any header of the sheet has one (`has_double`),
/// else on `:` (keeping `jr:` prefixes whole), so `label:English (en)` and `label::English (en)` both give
/// `["label", "English (en)"]`.
pub(crate) fn header_parts(header: &str, has_double: bool) -> Vec<String> {
    if has_double || header.contains("::") {
        return header.split("::").map(|t| t.trim().to_owned()).collect();
    }
    let mut out: Vec<String> = Vec::new();
    let mut jr = false;
    for token in header.split(':').map(str::trim) {
        if jr {
            if let Some(last) = out.last_mut() {
                last.push(':');
                last.push_str(token);
            }
            jr = false;
            continue;
        }
        jr = token.eq_ignore_ascii_case("jr");
        out.push(token.to_owned());
    }
    out
}

/// pyxform's snake case for headers: lower case, runs of spaces as one `_`.
pub(crate) fn snake_case(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join("_").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_spellings() {
        assert_eq!(question_type("select one from yes_or_no"), "select_one yes_or_no");
        assert_eq!(
            question_type("select one from sexes or specify other"),
            "select_one sexes or_other"
        );
        assert_eq!(
            question_type("select all that apply from Toilet_Type or specify other"),
            "select_multiple Toilet_Type or_other"
        );
        assert_eq!(
            question_type("Select One  Yes_No or_other"),
            "select_one Yes_No or_other"
        );
        assert_eq!(
            question_type("select_multiple fruits or other"),
            "select_multiple fruits or_other"
        );
        assert_eq!(question_type("select_all_that_apply fruits"), "select_multiple fruits");
        assert_eq!(question_type("select all that apply fruits"), "select_multiple fruits");
        assert_eq!(question_type("add select one prompt using yn"), "select_one yn");
        assert_eq!(question_type("select1 yn"), "select_one yn");
        assert_eq!(
            question_type("select one from file regions.csv"),
            "select_one_from_file regions.csv"
        );
        assert_eq!(question_type("select_one"), "select_one");
        assert_eq!(question_type("rank items"), "rank items");
        // What follows the list is kept for the caller to report.
        assert_eq!(question_type("select_one yn extra"), "select_one yn extra");
    }

    #[test]
    fn controls_and_other_types() {
        assert_eq!(question_type("begin group"), "begin_group");
        assert_eq!(question_type("End_Group"), "end_group");
        assert_eq!(question_type("begin looped group"), "begin_repeat");
        assert_eq!(question_type("end lgroup"), "end_repeat");
        assert_eq!(question_type("begin loop over toilet_type"), "begin_loop toilet_type");
        assert_eq!(question_type("end loop"), "end_loop");
        assert_eq!(question_type("phone number"), "phonenumber");
        assert_eq!(question_type("uri:deviceid"), "deviceid");
        assert_eq!(question_type("add integer prompt"), "integer");
        assert_eq!(question_type("q string"), "text");
        assert_eq!(question_type("gps"), "geopoint");
        assert_eq!(question_type("get today"), "today");
        assert_eq!(question_type("Integer"), "integer");
        assert_eq!(question_type("hologram"), "hologram");
        // `end` alone is the metadata row, not a broken `end group`.
        assert_eq!(question_type("end"), "end");
        assert_eq!(question_type("endless"), "endless");
    }

    #[test]
    fn headers() {
        assert_eq!(header_parts("label:English (en)", false), ["label", "English (en)"]);
        assert_eq!(header_parts("label :: Русский (ru)", false), ["label", "Русский (ru)"]);
        assert_eq!(
            header_parts("jr:constraintMsg:English", false),
            ["jr:constraintMsg", "English"]
        );
        assert_eq!(header_parts("jr:count", true), ["jr:count"]);
        assert_eq!(
            header_parts("media::audio::chinese", true),
            ["media", "audio", "chinese"]
        );
        assert_eq!(snake_case(" List  Name "), "list_name");
        assert_eq!(column("survey", "relevance"), "relevant");
        assert_eq!(column("survey", "caption"), "label");
        assert_eq!(column("choices", "value"), "name");
        assert_eq!(column("settings", "set_form_title"), "form_title");
        assert_eq!(column("choices", "relevance"), "relevance");
    }
}
