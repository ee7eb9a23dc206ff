//! The `t` handlebars helper: `{{t "message-id" count=n name=x}}` renders a catalog message in the page's
//! language, read from the top-level `lang` field of the page. The result goes through handlebars' own
//! escaping like any `{{value}}`, so user text passed as an argument cannot inject markup.

use handlebars::{
    Context, Handlebars, Helper, HelperDef, JsonValue, RenderContext, RenderError, RenderErrorReason, ScopedJson,
};

use super::Args;

/// Registered as `t` in the page registry.
pub struct TextHelper;

impl HelperDef for TextHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let id = h
            .param(0)
            .and_then(|p| p.value().as_str())
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("t", 0))?;
        let lang =
            ctx.data().get("lang").and_then(JsonValue::as_str).ok_or_else(|| {
                RenderErrorReason::Other(format!("`t \"{id}\"` on a page without a top-level `lang`"))
            })?;
        if !super::has(lang, id) {
            return Err(RenderErrorReason::Other(format!("no interface message `{id}`")).into());
        }
        let mut args = Args::new();
        for (name, value) in h.hash() {
            args = match value.value() {
                JsonValue::Number(n) => args.num_named(name, n.as_f64().unwrap_or(f64::NAN)),
                JsonValue::String(s) => args.str_named(name, s),
                other => {
                    return Err(RenderErrorReason::Other(format!(
                        "`t \"{id}\"`: argument `{name}` is {other}, not a number or a text"
                    ))
                    .into())
                }
            };
        }
        Ok(ScopedJson::Derived(JsonValue::String(super::text_with(
            lang, id, &args,
        ))))
    }
}
