//! Falco condition syntax: tokens and a recursive-descent parser into an AST.

use super::ast::{Ast, FieldExpr, ListItem, Op, Rhs, TRANSFORMERS};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    Comma,
    /// A quoted string (quotes removed, escapes decoded).
    Quoted(String),
    /// An unquoted word: field, macro, operator, keyword, bare value.
    Word(String),
}

/// A condition syntax error with the character offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

fn lex(text: &str) -> Result<Vec<(usize, Tok)>, SyntaxError> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                toks.push((at, Tok::LParen));
                i += 1;
            }
            ')' => {
                toks.push((at, Tok::RParen));
                i += 1;
            }
            ',' => {
                toks.push((at, Tok::Comma));
                i += 1;
            }
            '"' | '\'' => {
                let mut s = String::new();
                i += 1;
                loop {
                    let Some(&(_, ch)) = chars.get(i) else {
                        return Err(SyntaxError {
                            offset: at,
                            message: "unterminated string".into(),
                        });
                    };
                    i += 1;
                    if ch == c {
                        break;
                    }
                    if ch == '\\' {
                        if let Some(&(_, next)) = chars.get(i) {
                            i += 1;
                            s.push(match next {
                                'n' => '\n',
                                't' => '\t',
                                other => other,
                            });
                            continue;
                        }
                    }
                    s.push(ch);
                }
                toks.push((at, Tok::Quoted(s)));
            }
            '=' | '<' | '>' | '!' => {
                let next = chars.get(i + 1).map(|x| x.1);
                let op = match (c, next) {
                    ('=', Some('=')) | ('!', Some('=')) | ('<', Some('=')) | ('>', Some('=')) => {
                        i += 2;
                        format!("{c}=")
                    }
                    ('!', _) => {
                        return Err(SyntaxError {
                            offset: at,
                            message: "unexpected '!'".into(),
                        })
                    }
                    _ => {
                        i += 1;
                        c.to_string()
                    }
                };
                toks.push((at, Tok::Word(op)));
            }
            _ => {
                let mut s = String::new();
                while let Some(&(_, ch)) = chars.get(i) {
                    if ch.is_whitespace() || "(),\"'=<>".contains(ch) || (ch == '!' && s.is_empty())
                    {
                        break;
                    }
                    if ch == '!' && chars.get(i + 1).map(|x| x.1) == Some('=') {
                        break;
                    }
                    if ch == '[' {
                        // A field argument runs to the closing bracket, whatever it holds.
                        let close =
                            chars[i..].iter().position(|x| x.1 == ']').ok_or_else(|| {
                                SyntaxError {
                                    offset: chars[i].0,
                                    message: "unterminated '['".into(),
                                }
                            })?;
                        for &(_, x) in &chars[i..i + close + 1] {
                            s.push(x);
                        }
                        i += close + 1;
                        continue;
                    }
                    s.push(ch);
                    i += 1;
                }
                toks.push((at, Tok::Word(s)));
            }
        }
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    end: usize,
    /// Open parentheses, `not`s and transformers around the current token.
    nesting: usize,
}

/// How deeply parentheses, `not` and transformers may nest in one condition: the parser
/// recurses per level, and rule files are untrusted input.
pub const MAX_NESTING: usize = super::expand::MAX_DEPTH;

pub fn parse(text: &str) -> Result<Ast, SyntaxError> {
    let toks = lex(text)?;
    if toks.is_empty() {
        return Err(SyntaxError {
            offset: 0,
            message: "empty condition".into(),
        });
    }
    let mut p = Parser {
        toks,
        pos: 0,
        end: text.len(),
        nesting: 0,
    };
    let ast = p.or()?;
    if p.pos < p.toks.len() {
        return Err(p.error(format!("unexpected {}", p.describe())));
    }
    Ok(ast)
}

fn is_keyword(w: &str) -> bool {
    matches!(w, "and" | "or" | "not")
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.1)
    }
    fn offset(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |t| t.0)
    }
    fn error(&self, message: String) -> SyntaxError {
        SyntaxError {
            offset: self.offset(),
            message,
        }
    }
    fn describe(&self) -> String {
        match self.peek() {
            None => "end of condition".into(),
            Some(Tok::LParen) => "'('".into(),
            Some(Tok::RParen) => "')'".into(),
            Some(Tok::Comma) => "','".into(),
            Some(Tok::Quoted(s)) => format!("string \"{s}\""),
            Some(Tok::Word(w)) => format!("'{w}'"),
        }
    }
    fn eat_word(&mut self, w: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Word(x)) if x == w) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, tok: Tok, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(&tok) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected {what}, found {}", self.describe())))
        }
    }

    /// Enters one nesting level; an error past [`MAX_NESTING`].
    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(self.error(format!(
                "condition nests deeper than {MAX_NESTING} levels (parentheses, 'not', transformers)"
            )));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Ast, SyntaxError> {
        let mut items = vec![self.and()?];
        while self.eat_word("or") {
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Ast::Or(vec![]))
        } else {
            Ast::Or(items)
        })
    }

    fn and(&mut self) -> Result<Ast, SyntaxError> {
        let mut items = vec![self.not()?];
        while self.eat_word("and") {
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Ast::And(vec![]))
        } else {
            Ast::And(items)
        })
    }

    fn not(&mut self) -> Result<Ast, SyntaxError> {
        if self.eat_word("not") {
            self.enter()?;
            let inner = self.not()?;
            self.nesting -= 1;
            return Ok(Ast::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Ast, SyntaxError> {
        if self.peek() == Some(&Tok::LParen) {
            self.pos += 1;
            self.enter()?;
            let inner = self.or()?;
            self.expect(Tok::RParen, "')'")?;
            self.nesting -= 1;
            return Ok(inner);
        }
        let start = self.offset();
        let Some(Tok::Word(w)) = self.peek().cloned() else {
            return Err(self.error(format!(
                "expected a field or macro, found {}",
                self.describe()
            )));
        };
        if is_keyword(&w) || Op::parse(&w).is_some() {
            return Err(self.error(format!("expected a field or macro, found '{w}'")));
        }
        let lhs = self.field_expr()?;
        let op = match self.peek() {
            Some(Tok::Word(w)) => Op::parse(w),
            _ => None,
        };
        let Some(op) = op else {
            if lhs.transformers.is_empty() && lhs.arg.is_none() && !lhs.field.contains('.') {
                return Ok(Ast::Macro {
                    name: lhs.field,
                    offset: start,
                });
            }
            return Err(self.error(format!(
                "expected an operator after '{}', found {}",
                lhs.field,
                self.describe()
            )));
        };
        self.pos += 1;
        let rhs = match op {
            Op::Exists => Rhs::None,
            Op::In | Op::Intersects | Op::Pmatch => self.list()?,
            _ => self.value()?,
        };
        Ok(Ast::Check {
            lhs,
            op,
            rhs,
            offset: start,
        })
    }

    /// A field, optionally wrapped in transformers: `tolower(ct.user)`.
    fn field_expr(&mut self) -> Result<FieldExpr, SyntaxError> {
        let Some(Tok::Word(w)) = self.peek().cloned() else {
            return Err(self.error(format!("expected a field, found {}", self.describe())));
        };
        self.pos += 1;
        if TRANSFORMERS.contains(&w.as_str()) && self.peek() == Some(&Tok::LParen) {
            self.pos += 1;
            self.enter()?;
            let mut inner = self.field_expr()?;
            self.expect(Tok::RParen, "')' after a transformer's field")?;
            self.nesting -= 1;
            inner.transformers.push(w);
            return Ok(inner);
        }
        if self.peek() == Some(&Tok::LParen) {
            return Err(self.error(format!(
                "unknown transformer '{w}' (known: {})",
                TRANSFORMERS.join(", ")
            )));
        }
        let (field, arg) = match w.find('[') {
            Some(i) if w.ends_with(']') => {
                (w[..i].to_string(), Some(w[i + 1..w.len() - 1].to_string()))
            }
            Some(_) => return Err(self.error(format!("bad field argument in '{w}'"))),
            None => (w, None),
        };
        Ok(FieldExpr {
            field,
            arg,
            transformers: Vec::new(),
        })
    }

    fn value(&mut self) -> Result<Rhs, SyntaxError> {
        match self.peek().cloned() {
            Some(Tok::Quoted(s)) => {
                self.pos += 1;
                Ok(Rhs::Value(s))
            }
            Some(Tok::Word(w))
                if w == "val"
                    && self.toks.get(self.pos + 1).map(|t| &t.1) == Some(&Tok::LParen) =>
            {
                self.pos += 2;
                let f = self.field_expr()?;
                self.expect(Tok::RParen, "')' after val(field")?;
                Ok(Rhs::Field(f))
            }
            Some(Tok::Word(w)) if !is_keyword(&w) => {
                self.pos += 1;
                Ok(Rhs::Value(w))
            }
            _ => Err(self.error(format!("expected a value, found {}", self.describe()))),
        }
    }

    /// `(a, "b", list_name)` or a bare list name.
    fn list(&mut self) -> Result<Rhs, SyntaxError> {
        if let Some(Tok::Word(w)) = self.peek().cloned() {
            if !is_keyword(&w) {
                self.pos += 1;
                return Ok(Rhs::List(vec![ListItem {
                    text: w,
                    quoted: false,
                }]));
            }
        }
        self.expect(Tok::LParen, "'(' to start a list")?;
        let mut items = Vec::new();
        loop {
            match self.peek().cloned() {
                Some(Tok::RParen) => {
                    self.pos += 1;
                    break;
                }
                Some(Tok::Quoted(s)) => items.push(ListItem {
                    text: s,
                    quoted: true,
                }),
                Some(Tok::Word(w)) => items.push(ListItem {
                    text: w,
                    quoted: false,
                }),
                _ => {
                    return Err(
                        self.error(format!("expected a list item, found {}", self.describe()))
                    )
                }
            }
            self.pos += 1;
            match self.peek() {
                Some(Tok::Comma) => self.pos += 1,
                Some(Tok::RParen) => {}
                _ => {
                    return Err(self.error(format!(
                        "expected ',' or ')' in a list, found {}",
                        self.describe()
                    )))
                }
            }
        }
        Ok(Rhs::List(items))
    }
}
