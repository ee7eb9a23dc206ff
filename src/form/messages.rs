//! What the respondent reads that does not come from the definition: error messages and the words of the
//! form, in Russian and English (any other language falls back to English).

use chrono::NaiveDate;

use crate::definition::Texts;

/// One problem with one field (or with the page as a whole).
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    Required,
    /// A single-valued field was sent more than once.
    OneValue,
    UnknownOption(String),
    TooManyChoices(usize),
    TooFewChoices(usize),
    /// An exclusive option ("none of these") together with others.
    Exclusive(Texts),
    NotANumber,
    NotInteger,
    BelowMin(f64),
    AboveMax(f64),
    TooLong {
        max: usize,
        len: usize,
    },
    NotADate,
    DateBefore(NaiveDate),
    DateAfter(NaiveDate),
    RankNotNumber,
    RankOutOfRange(usize),
    RankDuplicate(u32),
    RankAll,
    MatrixIncomplete,
    /// A field that belongs to no question of this page.
    UnknownField(String),
    /// Several unknown fields, reported once.
    UnknownFields {
        count: usize,
        first: String,
    },
    /// The page was submitted faster than a person can read it.
    TooFast,
}

fn ru(lang: &str) -> bool {
    lang == "ru"
}

/// A number without a needless `.0`.
fn num(x: f64) -> String {
    format!("{x}")
}

impl Problem {
    /// The message shown next to the field and in the error summary.
    pub fn message(&self, lang: &str) -> String {
        let r = ru(lang);
        match self {
            Problem::Required => pick(
                r,
                "Ответьте, пожалуйста, на этот вопрос.",
                "Please answer this question.",
            ),
            Problem::OneValue => pick(r, "Выберите только один ответ.", "Please give only one answer."),
            Problem::UnknownOption(c) => {
                if r {
                    format!("Варианта «{c}» нет в этом вопросе.")
                } else {
                    format!("“{c}” is not one of the options of this question.")
                }
            }
            Problem::TooManyChoices(m) => {
                if r {
                    format!("Можно выбрать не больше {m}.")
                } else {
                    format!("Please choose at most {m}.")
                }
            }
            Problem::TooFewChoices(m) => {
                if r {
                    format!("Выберите не меньше {m}.")
                } else {
                    format!("Please choose at least {m}.")
                }
            }
            Problem::Exclusive(label) => {
                let label = label.get(lang);
                if r {
                    format!("Ответ «{label}» нельзя сочетать с другими.")
                } else {
                    format!("“{label}” cannot be combined with other answers.")
                }
            }
            Problem::NotANumber => pick(r, "Введите число, например 42.", "Please enter a number, e.g. 42."),
            Problem::NotInteger => pick(r, "Введите целое число.", "Please enter a whole number."),
            Problem::BelowMin(m) => {
                if r {
                    format!("Число должно быть не меньше {}.", num(*m))
                } else {
                    format!("The number must be at least {}.", num(*m))
                }
            }
            Problem::AboveMax(m) => {
                if r {
                    format!("Число должно быть не больше {}.", num(*m))
                } else {
                    format!("The number must be at most {}.", num(*m))
                }
            }
            Problem::TooLong { max, len } => {
                if r {
                    format!("Текст слишком длинный: {len} знаков, можно не больше {max}.")
                } else {
                    format!("The text is too long: {len} characters, at most {max} are allowed.")
                }
            }
            Problem::NotADate => pick(
                r,
                "Введите дату в виде ДД.ММ.ГГГГ, например 01.03.2026.",
                "Please enter a date as YYYY-MM-DD, e.g. 2026-03-01.",
            ),
            Problem::DateBefore(d) => {
                if r {
                    format!("Дата должна быть не раньше {}.", d.format("%d.%m.%Y"))
                } else {
                    format!("The date must be on or after {d}.")
                }
            }
            Problem::DateAfter(d) => {
                if r {
                    format!("Дата должна быть не позже {}.", d.format("%d.%m.%Y"))
                } else {
                    format!("The date must be on or before {d}.")
                }
            }
            Problem::RankNotNumber => pick(
                r,
                "Места обозначьте числами: 1, 2, 3…",
                "Please rank with numbers: 1, 2, 3…",
            ),
            Problem::RankOutOfRange(n) => {
                if r {
                    format!("Место должно быть от 1 до {n}.")
                } else {
                    format!("Each rank must be from 1 to {n}.")
                }
            }
            Problem::RankDuplicate(k) => {
                if r {
                    format!("Место {k} указано дважды.")
                } else {
                    format!("Rank {k} is given twice.")
                }
            }
            Problem::RankAll => pick(r, "Расставьте места для всех вариантов.", "Please rank every option."),
            Problem::MatrixIncomplete => pick(r, "Ответьте на каждую строку.", "Please answer every row."),
            Problem::UnknownField(name) => {
                if r {
                    format!("Поле «{name}» не относится к этой странице опроса.")
                } else {
                    format!("The field “{name}” does not belong to this page of the survey.")
                }
            }
            Problem::UnknownFields { count, first } => {
                if r {
                    format!("{count} полей не относятся к этой странице опроса (например, «{first}»).")
                } else {
                    format!("{count} fields do not belong to this page of the survey (e.g. “{first}”).")
                }
            }
            Problem::TooFast => pick(
                r,
                "Страница отправлена очень быстро. Проверьте, пожалуйста, ответы и отправьте ещё раз.",
                "This page was sent very quickly. Please check your answers and send it again.",
            ),
        }
    }
}

fn pick(ru: bool, r: &str, e: &str) -> String {
    if ru { r } else { e }.to_owned()
}

/// The fixed words of the form pages, by key, for templates.
pub fn ui(lang: &str) -> serde_json::Value {
    let r = ru(lang);
    let map: serde_json::Map<String, serde_json::Value> = WORDS
        .iter()
        .map(|(k, a, b)| {
            (
                (*k).to_owned(),
                serde_json::Value::String(if r { a } else { b }.to_string()),
            )
        })
        .collect();
    serde_json::Value::Object(map)
}

/// One fixed word of the form pages ("" for an unknown key), without building the whole table.
pub fn ui_text(lang: &str, key: &str) -> &'static str {
    let r = ru(lang);
    WORDS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or("", |(_, a, b)| if r { a } else { b })
}

/// Key, Russian, English.
const WORDS: &[(&str, &str, &str)] = &[
        ("next", "Далее", "Next"),
        ("back", "Назад", "Back"),
        ("finish", "Отправить ответы", "Submit answers"),
        ("page_of", "Страница", "Page"),
        ("of", "из", "of"),
        ("required", "обязательный вопрос", "required"),
        ("errors_heading", "Проверьте ответы", "Please check your answers"),
        ("errors_intro", "На странице есть ошибки:", "There are problems on this page:"),
        ("choose_up_to", "Можно выбрать не больше", "Choose at most"),
        ("other_specify", "Уточните", "Please specify"),
        ("hard_to_say", "Затрудняюсь ответить", "Hard to say"),
        ("rank_hint", 
            "Поставьте 1 у самого важного, 2 у следующего и так далее.",
            "Put 1 next to the most important, 2 next to the next, and so on."
        ),
        ("up", "Выше", "Up"),
        ("down", "Ниже", "Down"),
        ("chars_left", "осталось знаков:", "characters left:"),
        ("date_hint", "ДД.ММ.ГГГГ", "YYYY-MM-DD"),
        ("resume", 
            "Можно прерваться и вернуться позже по этой ссылке:",
            "You can stop and come back later with this link:"
        ),
        ("honeypot", "Не заполняйте это поле", "Leave this field empty"),
        ("row", "Строка", "Row"),
        ("language", "Язык", "Language"),
        ("thanks_heading", "Спасибо!", "Thank you!"),
        ("thanks_default", "Ваши ответы сохранены.", "Your answers have been saved."),
        ("results_link", "Результаты опроса", "Survey results"),
        ("back_to_list", "К списку опросов", "Back to the list of surveys"),
        ("already_heading", "Вы уже ответили на этот опрос", "You have already answered this survey"),
        ("already_text", 
            "Ваши ответы сохранены. Спасибо за участие!",
            "Your answers are saved. Thank you for taking part!"
        ),
        ("screened_heading", "Спасибо за интерес к опросу", "Thank you for your interest"),
        ("screened_text", 
            "У нас уже достаточно ответов от людей, похожих на вас. Спасибо, что уделили время!",
            "We already have enough answers from people like you. Thank you for your time!"
        ),
        ("not_open_heading", "Опрос ещё не начался", "This survey has not started yet"),
        ("not_open_text", "Опрос начнётся", "The survey opens on"),
        ("not_open_soon", "Загляните, пожалуйста, позже.", "Please come back later."),
        ("closed_heading", "Опрос завершён", "This survey is closed"),
        ("closed_text", 
            "Опрос больше не принимает ответы. Спасибо за интерес!",
            "The survey no longer accepts answers. Thank you for your interest!"
        ),
        ("csrf_heading", "Страница устарела", "This page has expired"),
        ("csrf_text", 
            "Мы не смогли принять ответы с этой страницы (например, она была открыта слишком давно или в браузере отключены cookie). Откройте опрос ещё раз и продолжите — уже сохранённые ответы не потеряются.",
            "We could not accept the answers from this page (it may have been open too long, or cookies are switched off in your browser). Open the survey again and continue: answers already saved are kept."
        ),
        ("continue", "Продолжить опрос", "Continue the survey"),
        ("invitation_heading", "Ссылка-приглашение недействительна", "This invitation link is not valid"),
        ("invitation_text", 
            "Проверьте, что ссылка скопирована полностью. Этот опрос проводится только по приглашениям.",
            "Please check that the link was copied completely. This survey is by invitation only."
        ),
        ("rejected_heading", "Ответ не принят", "The answer was not accepted"),
        ("rejected_text", 
            "Форма заполнена так, как её заполняют программы-роботы. Если вы человек, вернитесь к опросу и отправьте страницу ещё раз.",
            "The form was filled in the way robots fill it in. If you are a person, go back to the survey and send the page again."
        ),
        ("rate_heading", "Слишком много запросов", "Too many requests"),
        ("rate_text", 
            "С вашего адреса пришло слишком много ответов за минуту. Подождите минуту и отправьте страницу ещё раз.",
            "Too many answers came from your address within a minute. Please wait a minute and send the page again."
        ),
        ("too_large_heading", "Слишком много данных", "Too much data"),
        ("too_large_text", 
            "Страница прислала больше данных, чем может быть в ответе. Вернитесь к опросу и отправьте страницу ещё раз.",
            "The page sent more data than an answer can contain. Go back to the survey and send the page again."
        ),
        ("bad_request_heading", "Ответ не принят", "The answer was not accepted"),
];
