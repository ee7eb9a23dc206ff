//! Staff form bodies: `application/x-www-form-urlencoded`, or `multipart/form-data` for file uploads
//! (a survey definition or a population file). Only what the workbench needs of RFC 7578: parts with a
//! `Content-Disposition: form-data; name="…"` header and an optional `filename`; the whole body is read
//! into memory within a size limit. A file part's text goes under its field name and its file name under
//! `NAME.filename`.

use actix_web::{http::header, web, HttpRequest};

use super::auth::staff_lang;
use super::error::WebError;
use crate::form::Fields;
use crate::i18n::{self, Args};

/// Reads a staff form of either encoding.
pub async fn read_fields(req: &HttpRequest, payload: web::Payload, limit: usize) -> Result<Fields, WebError> {
    let ctype = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let lang = staff_lang(req);
    let body = match payload.to_bytes_limited(limit).await {
        Ok(Ok(b)) => b,
        Ok(Err(_)) => return Err(WebError::BadRequest(i18n::text(lang, "admin-error-form-unreadable"))),
        Err(_) => {
            return Err(WebError::TooLarge(i18n::text_with(
                lang,
                "admin-error-upload-too-large",
                &Args::new().str("kib", (limit / 1024).to_string()),
            )))
        }
    };
    if ctype.to_ascii_lowercase().starts_with("multipart/form-data") {
        let boundary =
            boundary_of(&ctype).ok_or_else(|| WebError::BadRequest(i18n::text(lang, "admin-error-no-boundary")))?;
        parse_multipart(&body, &boundary, lang)
    } else {
        Ok(Fields::from_urlencoded(&body))
    }
}

/// The `boundary` parameter of a multipart content type.
pub fn boundary_of(content_type: &str) -> Option<String> {
    content_type
        .split(';')
        .skip(1)
        .find_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| v.trim().trim_matches('"').to_owned())
        })
        .filter(|b| !b.is_empty() && b.len() <= 200)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// Parses a multipart body. Text is decoded as UTF-8 (invalid bytes replaced; the YAML parser then reports
/// them). A body without any part is an error, told in the staff language `lang`.
pub fn parse_multipart(body: &[u8], boundary: &str, lang: &str) -> Result<Fields, WebError> {
    let bad = || WebError::BadRequest(i18n::text(lang, "admin-error-bad-multipart"));
    let delim = format!("--{boundary}");
    let mut fields = Fields::default();
    let mut pos = find(body, delim.as_bytes(), 0).ok_or_else(bad)? + delim.len();
    let next_delim = format!("\r\n--{boundary}");
    let mut parts = 0;
    loop {
        if body[pos..].starts_with(b"--") {
            break;
        }
        // Skip the line break after the delimiter.
        if body[pos..].starts_with(b"\r\n") {
            pos += 2;
        } else {
            return Err(bad());
        }
        let head_end = find(body, b"\r\n\r\n", pos).ok_or_else(bad)?;
        let head = String::from_utf8_lossy(&body[pos..head_end]).into_owned();
        let data_start = head_end + 4;
        let data_end = find(body, next_delim.as_bytes(), data_start).ok_or_else(bad)?;
        let (name, filename) = disposition(&head).ok_or_else(bad)?;
        let value = String::from_utf8_lossy(&body[data_start..data_end]).into_owned();
        if let Some(f) = filename {
            fields.push(format!("{name}.filename"), f);
            fields.push_file(name.clone(), body[data_start..data_end].to_vec());
        }
        fields.push(name, value);
        parts += 1;
        pos = data_end + next_delim.len();
        if pos > body.len() {
            return Err(bad());
        }
    }
    if parts == 0 {
        return Err(bad());
    }
    Ok(fields)
}

/// `name` and `filename` of a part's `Content-Disposition: form-data` header.
fn disposition(head: &str) -> Option<(String, Option<String>)> {
    let line = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
    let mut name = None;
    let mut filename = None;
    for p in line.split(';').skip(1) {
        let Some((k, v)) = p.trim().split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches('"').to_owned();
        match k.trim().to_ascii_lowercase().as_str() {
            "name" => name = Some(v),
            "filename" => filename = Some(v),
            _ => {}
        }
    }
    Some((name?, filename))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_text_and_file_parts() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.yaml\"\r\nContent-Type: application/x-yaml\r\n\r\nslug: x\r\ntitle: \"a\"\r\n\r\n--XyZ--\r\n";
        let f = parse_multipart(body.as_bytes(), "XyZ", "en").unwrap();
        assert_eq!(f.first("_csrf"), Some("abc"));
        assert_eq!(f.first("file"), Some("slug: x\r\ntitle: \"a\"\r\n"));
        assert_eq!(f.first("file.filename"), Some("s.yaml"));
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse_multipart(b"hello", "XyZ", "en").is_err());
        assert!(parse_multipart(b"--XyZ\r\nno header end", "XyZ", "en").is_err());
        assert!(parse_multipart(b"--XyZ--\r\n", "XyZ", "en").is_err());
        assert_eq!(boundary_of("multipart/form-data; boundary=\"ab\""), Some("ab".into()));
        assert_eq!(boundary_of("multipart/form-data"), None);
    }
}
