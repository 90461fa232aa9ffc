//! Rule output templates: text with `%field` and `%field[arg]` references.

use crate::cond::compile::{CField, Transform};
use crate::event::split_pointer;
use crate::fields::{self, Ctx};

#[derive(Debug)]
enum Segment {
    Text(String),
    Field(CField),
}

/// A compiled output string.
#[derive(Debug)]
pub struct Template {
    segments: Vec<Segment>,
}

fn is_field_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

impl Template {
    /// Compiles `text`; an unknown field is an error naming it.
    pub fn compile(text: &str) -> Result<Template, String> {
        let mut segments = Vec::new();
        let mut lit = String::new();
        let mut rest = text;
        while let Some(i) = rest.find('%') {
            lit.push_str(&rest[..i]);
            rest = &rest[i + 1..];
            let len = rest.find(|c| !is_field_char(c)).unwrap_or(rest.len());
            let mut name = &rest[..len];
            // A sentence may end right after a field: "%ct.region." names ct.region.
            while name.ends_with('.') && fields::lookup(name).is_none() {
                name = &name[..name.len() - 1];
            }
            if name.is_empty() {
                lit.push('%');
                continue;
            }
            let def =
                fields::lookup(name).ok_or_else(|| format!("unknown field '%{name}' in output"))?;
            rest = &rest[name.len()..];
            let mut ptr = Vec::new();
            if rest.starts_with('[') {
                let close = rest
                    .find(']')
                    .ok_or_else(|| format!("unterminated '[' after '%{name}'"))?;
                let arg = &rest[1..close];
                rest = &rest[close + 1..];
                if def.needs_arg {
                    ptr = split_pointer(arg).map_err(|e| format!("output field '%{name}': {e}"))?;
                } else {
                    return Err(format!("output field '%{name}' takes no argument"));
                }
            } else if def.needs_arg {
                return Err(format!("output field '%{name}' needs an argument"));
            }
            if !lit.is_empty() {
                segments.push(Segment::Text(std::mem::take(&mut lit)));
            }
            let transforms: Vec<Transform> = Vec::new();
            segments.push(Segment::Field(CField {
                def,
                ptr,
                transforms,
                ty: def.ty,
            }));
        }
        lit.push_str(rest);
        if !lit.is_empty() {
            segments.push(Segment::Text(lit));
        }
        Ok(Template { segments })
    }

    /// The output text for one matching record: literal text with each `%field` replaced by
    /// its value in the record (`<NA>` when the record lacks it).
    pub fn render(&self, ctx: &Ctx<'_, '_>) -> String {
        let mut out = String::with_capacity(256);
        for seg in &self.segments {
            match seg {
                Segment::Text(t) => out.push_str(t),
                Segment::Field(f) => out.push_str(&crate::cond::eval::value(f, ctx).render()),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Event;

    #[test]
    fn renders_fields_and_na() {
        let ev =
            Event::parse(r#"{"eventName":"X","awsRegion":"eu-west-1","a":{"b":"c"}}"#).unwrap();
        let ctx = Ctx {
            ev: &ev,
            num: 7,
            origin: None,
        };
        let t = Template::compile(
            "n=%ct.name r=%ct.region. ip=%ct.srcip j=%json.value[/a/b] %evt.num 100%",
        )
        .unwrap();
        assert_eq!(t.render(&ctx), "n=X r=eu-west-1. ip=<NA> j=c 7 100%");
        assert!(Template::compile("%ct.nope")
            .unwrap_err()
            .contains("ct.nope"));
        assert!(Template::compile("%json.value").is_err());
    }
}
