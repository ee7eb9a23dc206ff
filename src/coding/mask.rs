//! Masking of personal details in an answer before it is published as a quote.
//!
//! Masked, each replaced by one placeholder naming what was there:
//! - e-mail addresses, also with Unicode letters (`иван@почта.рф`), a full-width `＠`, and the spoken forms
//!   `ivan (at) mail.ru`, `ivan [at] mail.ru`, `иван собака mail точка ru`;
//! - links: `http://…`, `https://…`, `www.…`, bare domains with a known top-level domain (`vk.com/id1`,
//!   `сайт.рф`), and `@handles` of messengers;
//! - phone numbers and other long numbers: a run of digits and number words (`восемь девятьсот`, `five`)
//!   joined only by spaces, dashes, dots, brackets, slashes or `+`, holding at least [`LONG_RUN`] digits
//!   (a number word counts as one digit): `+7 (912) 345-67-89`, `8 9 1 2 3 4 5`, `89один2З45` style mixes.
//!
//! Short numbers (a year, a house number, "2 раза") stay. The mask errs towards hiding: a published quote
//! that lost a harmless number is better than one that names a person.

/// Runs with at least this many digits are masked.
pub const LONG_RUN: usize = 5;

/// What a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Masked {
    Email,
    Link,
    Number,
}

/// Number words (lower case, `ё` as `е`), Russian and English, whose presence in a run counts as a digit.
const NUMBER_WORDS: &[&str] = &[
    "ноль",
    "нуль",
    "один",
    "одна",
    "одно",
    "два",
    "две",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "oh",
];

/// Top-level domains that make a bare `name.tld` a link.
const TLDS: &[&str] = &[
    "ru",
    "рф",
    "su",
    "рус",
    "москва",
    "com",
    "net",
    "org",
    "info",
    "biz",
    "me",
    "io",
    "ua",
    "by",
    "kz",
    "uz",
    "de",
    "uk",
    "us",
    "eu",
    "online",
    "site",
    "xyz",
    "app",
    "dev",
    "pro",
    "tv",
    "cc",
    "co",
    "ly",
    "gl",
    "gg",
];

/// Spoken stand-ins for `@` and `.` in e-mail addresses.
const AT_WORDS: &[&str] = &["at", "собака", "собачка", "эт"];
const DOT_WORDS: &[&str] = &["dot", "точка"];

#[derive(Debug, Clone, PartialEq)]
struct Token {
    text: String,
    /// Letters/digits (a word) or anything else (a separator run).
    word: bool,
}

fn tokens(s: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for ch in s.chars() {
        let word = is_word_char(ch);
        match out.last_mut() {
            Some(t) if t.word == word && (word || !is_single(ch)) && !t.text.chars().any(is_single) => t.text.push(ch),
            _ => out.push(Token {
                text: ch.to_string(),
                word,
            }),
        }
    }
    out
}

fn is_word_char(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_'
}

/// Characters that are a token of their own: the `@` of addresses and handles, the `+` of phone numbers.
fn is_single(ch: char) -> bool {
    is_at(ch) || ch == '+'
}

fn is_at(ch: char) -> bool {
    ch == '@' || ch == '＠'
}

fn norm(s: &str) -> String {
    s.to_lowercase().replace('ё', "е")
}

fn digit_weight(word: &str) -> Option<usize> {
    if word.chars().all(|c| c.is_ascii_digit() || c.is_numeric()) {
        return Some(word.chars().count());
    }
    let w = norm(word);
    if NUMBER_WORDS.contains(&w.as_str()) {
        return Some(1);
    }
    // Digits glued to letters ("8девятьсот12"): count the digits, require the letters to be number words.
    let digits = word.chars().filter(char::is_ascii_digit).count();
    let letters: String = w.chars().filter(|c| !c.is_ascii_digit()).collect();
    (digits > 0 && NUMBER_WORDS.iter().any(|n| letters.contains(n))).then_some(digits + 1)
}

/// Separators that may join the parts of a number.
fn joins_number(sep: &str) -> bool {
    sep.chars().count() <= 3 && sep.chars().all(|c| " \t\u{a0}-–—.()/+".contains(c))
}

/// The text with personal details replaced by `placeholder(kind)`.
pub fn mask(text: &str, placeholder: impl Fn(Masked) -> String) -> String {
    let toks = tokens(text);
    let mut kinds: Vec<Option<Masked>> = vec![None; toks.len()];
    mark_emails(&toks, &mut kinds);
    mark_links(&toks, &mut kinds);
    mark_numbers(&toks, &mut kinds);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < toks.len() {
        match kinds[i] {
            Some(kind) => {
                let mut j = i;
                while j + 1 < toks.len() && kinds[j + 1] == Some(kind) {
                    j += 1;
                }
                out.push_str(&placeholder(kind));
                i = j + 1;
            }
            None => {
                out.push_str(&toks[i].text);
                i += 1;
            }
        }
    }
    out
}

/// The local part before an `@` at `at`: words joined by `.`, `-`, `+` (no spaces).
fn local_start(toks: &[Token], at: usize) -> Option<usize> {
    let mut start = at;
    let mut i = at;
    while i > 0 {
        let t = &toks[i - 1];
        if t.word || (t.text.chars().all(|c| ".-+%!#$&'*=?^`{|}~".contains(c)) && t.text.len() <= 2) {
            i -= 1;
            if t.word {
                start = i;
            }
        } else {
            break;
        }
    }
    (start < at).then_some(start)
}

/// The domain after `from`: word (sep word)* where sep is `.`/`-` or a spoken dot; returns the last token.
fn domain_end(toks: &[Token], from: usize, spoken: bool) -> Option<usize> {
    let mut i = from;
    while i < toks.len() && !toks[i].word {
        if !spoken && toks[i].text.trim().is_empty() {
            return None;
        }
        i += 1;
    }
    if i >= toks.len() || i > from + 1 && !spoken {
        return None;
    }
    let mut end = i;
    let mut parts = 1;
    let mut j = i + 1;
    while j + 1 < toks.len() {
        let sep = toks[j].text.trim();
        if sep == "." || sep == "-" {
            if toks[j + 1].word && toks[j].text.len() == sep.len() {
                end = j + 1;
                parts += 1;
                j += 2;
                continue;
            }
        } else if sep.is_empty() && spoken && j + 3 < toks.len() {
            let w = norm(&toks[j + 1].text);
            if DOT_WORDS.contains(&w.as_str()) && toks[j + 3].word {
                end = j + 3;
                parts += 1;
                j += 4;
                continue;
            }
        }
        break;
    }
    (parts >= 2).then_some(end)
}

fn mark(kinds: &mut [Option<Masked>], from: usize, to: usize, kind: Masked) {
    for k in &mut kinds[from..=to] {
        if k.is_none() {
            *k = Some(kind);
        }
    }
}

fn mark_emails(toks: &[Token], kinds: &mut [Option<Masked>]) {
    for i in 0..toks.len() {
        let t = &toks[i];
        let literal_at = !t.word && t.text.chars().any(is_at) && t.text.trim().chars().count() == 1;
        let spoken = spoken_at(toks, i);
        if !(literal_at || spoken.is_some()) {
            continue;
        }
        let (at_from, at_to) = spoken.unwrap_or((i, i));
        let Some(start) = local_start(toks, at_from) else {
            continue;
        };
        if let Some(end) = domain_end(toks, at_to + 1, spoken.is_some()) {
            mark(kinds, start, end, Masked::Email);
        }
    }
}

/// `word (at) domain`, `word [at] domain`, `word собака domain`: the tokens from the separator before the
/// spoken `@` to the one after it.
fn spoken_at(toks: &[Token], i: usize) -> Option<(usize, usize)> {
    let t = toks.get(i)?;
    if !t.word || !AT_WORDS.contains(&norm(&t.text).as_str()) || i == 0 || i + 1 >= toks.len() {
        return None;
    }
    let before = toks[i - 1].text.trim();
    let after = toks[i + 1].text.trim();
    let bracketed = matches!((before, after), ("(", ")") | ("[", "]") | ("{", "}") | ("<", ">"));
    let spaced = before.is_empty() && after.is_empty();
    // A bare spoken `at` needs a dotted domain after it; "собака лает" is not an address.
    (bracketed || spaced).then_some((i - 1, i + 1))
}

fn is_tld(word: &str) -> bool {
    TLDS.contains(&norm(word).as_str())
}

fn mark_links(toks: &[Token], kinds: &mut [Option<Masked>]) {
    let mut i = 0;
    while i < toks.len() {
        if kinds[i].is_some() || !toks[i].word {
            i += 1;
            continue;
        }
        let w = norm(&toks[i].text);
        let scheme = (w == "http" || w == "https") && toks.get(i + 1).is_some_and(|t| t.text.starts_with("://"));
        let handle = i > 0 && toks[i - 1].text.ends_with('@') && toks[i - 1].text.trim() == "@";
        if scheme || w == "www" {
            let end = link_end(toks, i);
            mark(kinds, i, end, Masked::Link);
            i = end + 1;
            continue;
        }
        if let Some(end) = domain_end(toks, i, false) {
            if is_tld(&toks[end].text) {
                let end = link_end(toks, end);
                mark(kinds, i, end, Masked::Link);
                i = end + 1;
                continue;
            }
        }
        if handle && kinds[i - 1].is_none() {
            mark(kinds, i - 1, i, Masked::Link);
            i += 1;
            continue;
        }
        i += 1;
    }
}

/// A link goes on to the next whitespace.
fn link_end(toks: &[Token], from: usize) -> usize {
    let mut end = from;
    for (j, t) in toks.iter().enumerate().skip(from + 1) {
        if !t.word && t.text.chars().any(char::is_whitespace) {
            break;
        }
        // Trailing punctuation of the sentence is not part of the link.
        if !t.word
            && toks
                .get(j + 1)
                .is_none_or(|n| !n.word || n.text.chars().any(char::is_whitespace))
        {
            break;
        }
        end = j;
    }
    end
}

fn mark_numbers(toks: &[Token], kinds: &mut [Option<Masked>]) {
    let mut i = 0;
    while i < toks.len() {
        let tok = &toks[i];
        let weight = if tok.word { digit_weight(&tok.text) } else { None };
        let Some(first) = weight else {
            i += 1;
            continue;
        };
        let mut digits = first;
        let mut end = i;
        let mut j = i + 1;
        while j + 1 < toks.len() && joins_number(&toks[j].text) {
            match digit_weight(&toks[j + 1].text) {
                Some(d) => {
                    digits += d;
                    end = j + 1;
                    j += 2;
                }
                None => break,
            }
        }
        // A leading `+` belongs to a phone number.
        let start = if i > 0 && toks[i - 1].text == "+" { i - 1 } else { i };
        if digits >= LONG_RUN {
            mark(kinds, start, end, Masked::Number);
        }
        i = end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> String {
        mask(s, |k| {
            match k {
                Masked::Email => "[email]",
                Masked::Link => "[link]",
                Masked::Number => "[number]",
            }
            .to_owned()
        })
    }

    #[test]
    fn plain_text_is_unchanged() {
        let s = "Дорогу на улице Ленина 5 не ремонтировали с 2019 года, 2 раза писали. Собака лает всю ночь.";
        assert_eq!(m(s), s);
        assert_eq!(m(""), "");
        assert_eq!(m("и т.д. и т.п., т.е. всё"), "и т.д. и т.п., т.е. всё");
    }

    #[test]
    fn phones_in_every_shape() {
        assert_eq!(m("звоните +7 (912) 345-67-89 вечером"), "звоните [number] вечером");
        assert_eq!(m("тел 89123456789."), "тел [number].");
        assert_eq!(m("8 9 1 2 3 4 5 6 7 8 9"), "[number]");
        assert_eq!(m("8-912-345.67.89"), "[number]");
        assert_eq!(m("номер: 8 912 три четыре пять 67 89!"), "номер: [number]!");
        assert_eq!(m("восемь девятьсот двенадцать триста сорок пять"), "[number]");
        assert_eq!(m("call me on five five five one two three four"), "call me on [number]");
        assert_eq!(m("8девятьсот12 34"), "[number]");
        assert_eq!(m("СНИЛС 123-456-789 01"), "СНИЛС [number]");
        assert_eq!(m("телефон ８９１２３４５６７８９"), "телефон [number]");
    }

    #[test]
    fn short_numbers_stay() {
        assert_eq!(m("дом 12, кв. 34, 3 этаж"), "дом 12, кв. 34, 3 этаж");
        assert_eq!(m("в 2024 году"), "в 2024 году");
        assert_eq!(m("один раз, два раза"), "один раз, два раза");
    }

    #[test]
    fn emails_unicode_and_spoken() {
        assert_eq!(m("пишите ivan.petrov+x@mail.ru, ответят"), "пишите [email], ответят");
        assert_eq!(m("почта иван@почта.рф"), "почта [email]");
        assert_eq!(m("адрес: müller@exämple.de."), "адрес: [email].");
        assert_eq!(m("ivan＠mail.ru"), "[email]");
        assert_eq!(m("ivan (at) mail.ru"), "[email]");
        assert_eq!(m("ivan [at] gmail dot com"), "[email]");
        assert_eq!(m("иван собака mail точка ru"), "[email]");
        assert_eq!(m("Ivan_Petrov@Sub.Domain.example.com"), "[email]");
    }

    #[test]
    fn links_and_handles() {
        assert_eq!(m("см. https://example.com/a?b=1&c=2 там"), "см. [link] там");
        assert_eq!(m("www.gosuslugi.ru/help"), "[link]");
        assert_eq!(m("группа vk.com/id12345."), "группа [link].");
        assert_eq!(m("сайт администрация.рф"), "сайт [link]");
        assert_eq!(m("пишите в телеграм @ivan_petrov"), "пишите в телеграм [link]");
        assert_eq!(m("t.me/joinchat и всё"), "[link] и всё");
    }

    #[test]
    fn hostile_mixtures() {
        let s = "Я Иван, +7 912 345 67 89, ivan@почта.рф, http://x.ru — и дом 5.";
        assert_eq!(m(s), "Я Иван, [number], [email], [link] — и дом 5.");
        let long = "1".repeat(10_000);
        assert_eq!(m(&long), "[number]");
        assert_eq!(m("@@@ ... ((( )))"), "@@@ ... ((( )))");
        assert_eq!(m("@"), "@");
        assert_eq!(m("a@"), "a@");
        assert_eq!(m("@b.ru"), "@b.ru".replace("b.ru", "[link]"));
    }
}
