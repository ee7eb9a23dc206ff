//! Keyboard-only use: key presses through WebDriver actions (no element is targeted, as with a real
//! keyboard), and a check of every element the Tab key reaches.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::Value;

use super::driver::{within, Browser};

/// Presses and releases each character (a `Key` as char for special keys).
pub async fn press(b: &Browser, keys: &[char]) {
    let mut seq = KeyActions::new("keyboard".into());
    for k in keys {
        seq = seq
            .then(KeyAction::Down { value: *k })
            .then(KeyAction::Up { value: *k });
    }
    within(&format!("keys {keys:?}"), b.c.perform_actions(seq)).await;
}

pub async fn type_text(b: &Browser, text: &str) {
    press(b, &text.chars().collect::<Vec<_>>()).await;
}

pub async fn key(b: &Browser, k: Key) {
    press(b, &[k.into()]).await;
}

/// What the focused element is and how it looks. `after` is whether it comes after the element focused
/// before it in document order (the tab order follows the page); `visible_focus` whether the focus style
/// draws an outline or a shadow.
const FOCUSED: &str = "
const e = document.activeElement;
const s = getComputedStyle(e);
const prev = window.__kbPrev;
window.__kbPrev = e;
const r = e.getBoundingClientRect();
return {
  tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name'), value: e.value === undefined ? null : e.value,
  desc: e.outerHTML.slice(0, 120),
  body: e === document.body,
  after: !prev || prev === e || !prev.isConnected || !!(prev.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING),
  visible_focus: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none',
  outline: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor,
  on_screen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight,
  hidden_from_at: !!e.closest('[aria-hidden=true]'),
};";

/// Presses Tab until the focused element matches `css`; every element reached on the way must show its
/// focus, be on screen, follow the previous one in document order and not be hidden from assistive
/// technology. Returns how many Tab presses it took.
pub async fn tab_to(b: &Browser, css: &str) -> usize {
    for n in 1..=60 {
        key(b, Key::Tab).await;
        let f: Value = b.js(FOCUSED, vec![]).await;
        if f["body"] == Value::Bool(true) {
            continue;
        }
        assert_eq!(f["visible_focus"], Value::Bool(true), "focus not visible on {f:#}");
        assert_eq!(f["on_screen"], Value::Bool(true), "focused element off screen: {f:#}");
        assert_eq!(f["after"], Value::Bool(true), "tab order goes backwards at {f:#}");
        assert_eq!(
            f["hidden_from_at"],
            Value::Bool(false),
            "focus on a hidden element: {f:#}"
        );
        let matches = b
            .js(
                "return document.activeElement.matches(arguments[0]);",
                vec![Value::from(css)],
            )
            .await;
        if matches == Value::Bool(true) {
            return n;
        }
    }
    panic!("Tab never reached {css}");
}
