//! The coded form of a complete response (`responses.codes`): what a summary reads of its answers, as small
//! integers and numbers in fixed places given by the definition version it answered (design notes §7:
//! one survey's complete responses load fast as columns). The JSON `answers` stay the source of truth;
//! codes are written next to them, and are NULL for rows written before they existed, for partial
//! responses, and for answers that do not fit their version exactly — readers then decode the JSON.
//!
//! Format 1: byte 0 is [`FORMAT`]; then one fixed-width slot per question of the version, in form order
//! ("options" are the options then "other", or the points then "hard to say"; `W` is 1 byte, or 2
//! little-endian bytes for questions with more than 253 options):
//!
//! | question | slot | value |
//! |---|---|---|
//! | single choice, scale | `W` | 0 unanswered, `1 + k`: option `k` |
//! | ranking | `W` | 0 unanswered, 1 nothing ranked, `2 + k`: option `k` ranked first |
//! | multiple choice | ⌈(1 + options) / 8⌉ bytes | bit 0: answered; bit `1 + k`: option `k` chosen |
//! | matrix | 1 byte (1: answered) + `W` per row | per row as a scale |
//! | number | 8 bytes | the `f64` as it reads back from the JSON, little-endian; NaN: unanswered |
//! | text, date | 1 byte | 1: answered |
//! | constant sum | 1 byte (1: answered) + 4 per option | each option's points, little-endian `u32` |
//! | info | none | |
//!
//! Texts, dates, "other" texts and ranks after the first are not kept: summaries never read them. An
//! answer that would lose anything summaries read (a code that is not an option of its version, an answer
//! of another kind than its question, an answer to an unknown question) gets no codes at all.

use std::collections::BTreeMap;

use crate::definition::{Answer, AnswerOption, Answers, Definition, Question};
use crate::question::constant_sum;

/// Version of the byte layout, the first byte of every coded response.
pub const FORMAT: u8 = 1;

/// Options a one-byte slot can hold (values 0 and 1 are taken by "unanswered" and, for rankings, "nothing
/// ranked"; 255 stays free).
const ONE_BYTE_OPTIONS: usize = 253;
const TWO_BYTE_OPTIONS: usize = 65_533;

/// How one question's answer is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    /// Single choice or scale: `1 + option index`.
    Code {
        width: usize,
    },
    /// Ranking: the option ranked first.
    Ranking {
        width: usize,
    },
    /// Multiple choice: answered bit, then one bit per option.
    Choices {
        options: usize,
    },
    /// Matrix: answered byte, then each row's point.
    Matrix {
        rows: usize,
        width: usize,
    },
    Number,
    /// Constant sum: answered byte, then each option's points.
    Points {
        options: usize,
    },
    /// Text or date: only whether it was answered.
    Presence,
    /// Info: takes no answer.
    Empty,
}

impl SlotKind {
    fn bytes(self) -> usize {
        match self {
            SlotKind::Code { width } | SlotKind::Ranking { width } => width,
            SlotKind::Choices { options } => (1 + options).div_ceil(8),
            SlotKind::Matrix { rows, width } => 1 + rows * width,
            SlotKind::Number => 8,
            SlotKind::Points { options } => constant_sum::slot_bytes(options),
            SlotKind::Presence => 1,
            SlotKind::Empty => 0,
        }
    }
}

/// One question's place in a coded response.
#[derive(Debug, Clone)]
pub struct Slot<'d> {
    pub question: &'d Question,
    pub offset: usize,
    pub kind: SlotKind,
    /// Bytes of the slot.
    pub len: usize,
    /// The question's option codes in slot order ([`option_codes`]), looked up once per layout.
    pub codes: Vec<&'d str>,
}

/// Where each question of one definition version sits in its coded responses.
#[derive(Debug, Clone)]
pub struct Layout<'d> {
    pub slots: Vec<Slot<'d>>,
    /// Bytes of a coded response, the format byte included.
    pub len: usize,
}

pub(crate) fn width(options: usize) -> Option<usize> {
    if options <= ONE_BYTE_OPTIONS {
        Some(1)
    } else if options <= TWO_BYTE_OPTIONS {
        Some(2)
    } else {
        None
    }
}

/// The option codes of a question in slot order.
pub fn option_codes(q: &Question) -> Vec<&str> {
    q.kind.as_type().slot_codes()
}

impl<'d> Layout<'d> {
    /// The layout of `def`'s coded responses; `None` when a question has too many options to code.
    pub fn of(def: &'d Definition) -> Option<Layout<'d>> {
        let mut offset = 1;
        let mut slots = Vec::new();
        for (_, q) in def.questions() {
            let codes = option_codes(q);
            let kind = q.kind.as_type().slot_kind(codes.len())?;
            let len = kind.bytes();
            slots.push(Slot {
                question: q,
                offset,
                kind,
                len,
                codes,
            });
            offset += len;
        }
        Some(Layout { slots, len: offset })
    }

    /// Whether `row` is a coded response of this layout (right format and length).
    pub fn fits(&self, row: &[u8]) -> bool {
        row.len() == self.len && row.first() == Some(&FORMAT)
    }

    /// The coded form of `answers`, or `None` when they do not fit this version exactly (see the module
    /// notes): such responses are read from their JSON.
    pub fn encode(&self, answers: &Answers) -> Option<Vec<u8>> {
        let mut out = vec![0u8; self.len];
        out[0] = FORMAT;
        let mut matched = 0;
        for slot in &self.slots {
            let Some(a) = answers.get(&slot.question.id) else {
                if slot.kind == SlotKind::Number {
                    out[slot.offset..slot.offset + 8].copy_from_slice(&f64::NAN.to_le_bytes());
                }
                continue;
            };
            matched += 1;
            slot.encode(a, &mut out[slot.offset..slot.offset + slot.len])?;
        }
        // An answer to a question this version does not have would be summarized under the current
        // definition if it has that question: not representable, so no codes.
        (matched == answers.len()).then_some(out)
    }
}

/// The coded form of `answers` of a response to `def` (see [`Layout::encode`]).
pub fn encode(def: &Definition, answers: &Answers) -> Option<Vec<u8>> {
    Layout::of(def)?.encode(answers)
}

fn put(out: &mut [u8], value: usize) -> Option<()> {
    match out.len() {
        1 => out[0] = u8::try_from(value).ok()?,
        _ => out.copy_from_slice(&u16::try_from(value).ok()?.to_le_bytes()),
    }
    Some(())
}

fn get(bytes: &[u8]) -> usize {
    match bytes {
        [b] => usize::from(*b),
        [lo, hi] => usize::from(u16::from_le_bytes([*lo, *hi])),
        _ => 0,
    }
}

/// A number as the JSON answers give it back: the JSON parser may differ from an exact one in the last
/// bit, and the coded and JSON readings of a response must agree.
fn as_stored(x: f64) -> Option<f64> {
    let text = serde_json::to_string(&x).ok()?;
    serde_json::from_str::<f64>(&text).ok().filter(|v| v.is_finite())
}

impl Slot<'_> {
    fn position(&self, code: &str) -> Option<usize> {
        self.codes.iter().position(|c| *c == code)
    }

    /// Writes `a` into the slot through the question's type ([`crate::question::QuestionType::encode_slot`]).
    fn encode(&self, a: &Answer, out: &mut [u8]) -> Option<()> {
        self.question.kind.as_type().encode_slot(self, a, out)
    }

    /// A single-choice or scale slot: `1 +` the position of `code`.
    pub(crate) fn encode_code(&self, code: &str, out: &mut [u8]) -> Option<()> {
        if !matches!(self.kind, SlotKind::Code { .. }) {
            return None;
        }
        put(out, 1 + self.position(code)?)
    }

    /// A ranking slot: the option ranked first (1 when nothing is ranked).
    pub(crate) fn encode_ranking(&self, order: &[String], out: &mut [u8]) -> Option<()> {
        if !matches!(self.kind, SlotKind::Ranking { .. }) {
            return None;
        }
        match order.first() {
            None => put(out, 1),
            Some(first) => put(out, 2 + self.position(first)?),
        }
    }

    /// A multiple-choice slot: the answered bit and the bit of each chosen option.
    pub(crate) fn encode_choices(&self, codes: &[String], out: &mut [u8]) -> Option<()> {
        if !matches!(self.kind, SlotKind::Choices { .. }) {
            return None;
        }
        out[0] |= 1;
        for c in codes {
            let bit = 1 + self.position(c)?;
            out[bit / 8] |= 1 << (bit % 8);
        }
        Some(())
    }

    /// A matrix slot of a question with `rows`: the answered byte and each answered row's point.
    pub(crate) fn encode_matrix(
        &self,
        rows: &[AnswerOption],
        cells: &BTreeMap<String, String>,
        out: &mut [u8],
    ) -> Option<()> {
        let SlotKind::Matrix { width, .. } = self.kind else {
            return None;
        };
        out[0] = 1;
        for (row, point) in cells {
            let r = rows.iter().position(|x| x.code == *row)?;
            let at = 1 + r * width;
            put(&mut out[at..at + width], 1 + self.position(point)?)?;
        }
        Some(())
    }

    /// A number slot: the number as the JSON answers give it back.
    pub(crate) fn encode_number(&self, x: f64, out: &mut [u8]) -> Option<()> {
        if self.kind != SlotKind::Number {
            return None;
        }
        out.copy_from_slice(&as_stored(x)?.to_le_bytes());
        Some(())
    }

    /// A presence slot (text, date): answered.
    pub(crate) fn encode_presence(&self, out: &mut [u8]) -> Option<()> {
        if self.kind != SlotKind::Presence {
            return None;
        }
        out[0] = 1;
        Some(())
    }

    fn bytes<'r>(&self, row: &'r [u8]) -> &'r [u8] {
        row.get(self.offset..self.offset + self.len).unwrap_or(&[])
    }

    /// Whether the question was answered (any kind).
    pub fn answered(&self, row: &[u8]) -> bool {
        let b = self.bytes(row);
        match self.kind {
            SlotKind::Code { .. } | SlotKind::Ranking { .. } => get(b) != 0,
            SlotKind::Choices { .. } | SlotKind::Matrix { .. } | SlotKind::Points { .. } | SlotKind::Presence => {
                b.first().is_some_and(|x| x & 1 == 1)
            }
            SlotKind::Number => self.number(row).is_some(),
            SlotKind::Empty => false,
        }
    }

    /// The raw slot value of a single-choice, scale or ranking slot (0 = unanswered; see the table).
    #[inline]
    pub fn value(&self, row: &[u8]) -> usize {
        // The one-byte case is nearly every question: read it directly (this runs per respondent and column).
        if self.len == 1 {
            return row.get(self.offset).map_or(0, |b| usize::from(*b));
        }
        get(self.bytes(row))
    }

    /// Whether option `k` of a multiple-choice slot is chosen.
    pub fn chosen(&self, row: &[u8], k: usize) -> bool {
        let bit = 1 + k;
        self.bytes(row).get(bit / 8).is_some_and(|b| b >> (bit % 8) & 1 == 1)
    }

    /// The point index + 1 of matrix row `r` (0 = row not answered).
    pub fn matrix_cell(&self, row: &[u8], r: usize) -> usize {
        match self.kind {
            SlotKind::Matrix { width, .. } => {
                let at = 1 + r * width;
                self.bytes(row).get(at..at + width).map_or(0, get)
            }
            _ => 0,
        }
    }

    pub fn number(&self, row: &[u8]) -> Option<f64> {
        let b: [u8; 8] = self.bytes(row).try_into().ok()?;
        Some(f64::from_le_bytes(b)).filter(|x| !x.is_nan())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::parse_definition;

    const DEF: &str = r#"
slug: t
title: {en: T}
topic: x
languages: [en]
pages:
  - id: p
    questions:
      - {id: sex, type: single_choice, text: {en: s}, options: [{code: m, label: {en: m}}, {code: f, label: {en: f}}], other: {code: o, label: {en: o}}}
      - {id: k, type: scale, text: {en: k}, points: [{code: 1, label: {en: "1"}}, {code: 2, label: {en: "2"}}], hard_to_say: {code: dk, label: {en: dk}}}
      - {id: mc, type: multiple_choice, text: {en: m}, options: [{code: a, label: {en: a}}, {code: b, label: {en: b}}, {code: c, label: {en: c}}, {code: d, label: {en: d}}, {code: e, label: {en: e}}, {code: f, label: {en: f}}, {code: g, label: {en: g}}, {code: h, label: {en: h}}]}
      - {id: n, type: number, text: {en: n}}
      - {id: t, type: text, text: {en: t}}
      - {id: i, type: info, text: {en: i}}
      - {id: r, type: ranking, text: {en: r}, options: [{code: x, label: {en: x}}, {code: y, label: {en: y}}]}
      - {id: mx, type: matrix, text: {en: mx}, rows: [{code: r1, label: {en: r1}}, {code: r2, label: {en: r2}}], points: [{code: 1, label: {en: "1"}}, {code: 2, label: {en: "2"}}]}
"#;

    fn def() -> Definition {
        parse_definition(DEF, "t.yaml").expect("definition")
    }

    fn answers(json: &str) -> Answers {
        serde_json::from_str(json).expect("answers")
    }

    #[test]
    fn every_kind_reads_back() {
        let d = def();
        let layout = Layout::of(&d).expect("layout");
        // 1 + sex 1 + k 1 + mc 2 (9 bits) + n 8 + t 1 + i 0 + r 1 + mx 1 + 2
        assert_eq!(layout.len, 1 + 1 + 1 + 2 + 8 + 1 + 1 + 3);
        let a = answers(
            r#"{"sex": {"choice": "o", "other": "x"}, "k": {"scale": "dk"}, "mc": ["h", "b"], "n": 12.5,
                "t": {"text": "hi"}, "r": {"ranking": ["y", "x"]}, "mx": {"matrix": {"r2": "1"}}}"#,
        );
        let row = layout.encode(&a).expect("codes");
        assert!(layout.fits(&row));
        let s = &layout.slots;
        assert_eq!(s[0].value(&row), 3);
        assert_eq!(s[1].value(&row), 3);
        assert!(s[2].answered(&row));
        let chosen: Vec<usize> = (0..8).filter(|k| s[2].chosen(&row, *k)).collect();
        assert_eq!(chosen, vec![1, 7]);
        assert_eq!(s[3].number(&row), Some(12.5));
        assert!(s[4].answered(&row));
        assert!(!s[5].answered(&row));
        assert_eq!(s[6].value(&row), 2 + 1);
        assert_eq!((s[7].matrix_cell(&row, 0), s[7].matrix_cell(&row, 1)), (0, 1));
    }

    #[test]
    fn unanswered_questions_read_as_unanswered() {
        let d = def();
        let layout = Layout::of(&d).expect("layout");
        let row = layout.encode(&answers(r#"{"mc": []}"#)).expect("codes");
        assert!(layout.slots[2].answered(&row), "an empty multiple choice is an answer");
        for (k, slot) in layout.slots.iter().enumerate().filter(|(k, _)| *k != 2) {
            assert!(!slot.answered(&row), "slot {k}");
        }
        assert_eq!(layout.slots[3].number(&row), None);
    }

    #[test]
    fn answers_that_do_not_fit_get_no_codes() {
        let d = def();
        let layout = Layout::of(&d).expect("layout");
        for bad in [
            r#"{"sex": "x"}"#,
            r#"{"sex": {"scale": "m"}}"#,
            r#"{"k": "1"}"#,
            r#"{"mc": ["a", "zz"]}"#,
            r#"{"n": "12"}"#,
            r#"{"t": {"date": "2026-01-01"}}"#,
            r#"{"i": {"text": "?"}}"#,
            r#"{"r": {"ranking": ["z"]}}"#,
            r#"{"mx": {"matrix": {"r3": "1"}}}"#,
            r#"{"mx": {"matrix": {"r1": "9"}}}"#,
            r#"{"unknown": "m"}"#,
        ] {
            assert_eq!(layout.encode(&answers(bad)), None, "{bad}");
        }
    }

    #[test]
    fn numbers_are_kept_as_the_json_reads_them() {
        let d = def();
        let layout = Layout::of(&d).expect("layout");
        for x in [0.1, 1.0 / 3.0, 123456.789e-300, -0.0, 9007199254740993.0] {
            let mut a = Answers::new();
            a.insert("n".into(), Answer::Number(x));
            let row = layout.encode(&a).expect("codes");
            let back: Answers = serde_json::from_str(&serde_json::to_string(&a).expect("json")).expect("read");
            let Some(Answer::Number(y)) = back.get("n") else {
                panic!("number expected")
            };
            assert_eq!(layout.slots[3].number(&row).map(f64::to_bits), Some(y.to_bits()));
        }
    }
}
