//! The body subset cql-sim evaluates, parsed into a small tree: Java statements ending in
//! `return <expr>;`, or one JavaScript expression.
//!
//! Parsing is bounded: bodies over [`MAX_BODY`] bytes and expressions nested deeper than
//! [`MAX_DEPTH`] are refused as outside the subset.

/// The longest body parsed.
pub const MAX_BODY: usize = 64 * 1024;
/// The deepest nesting of expressions and blocks.
pub const MAX_DEPTH: usize = 64;
/// The deepest expression tree (chains like `a + b + c` nest to the left).
pub const MAX_TREE_DEPTH: usize = 256;

/// A primitive (or boxed) Java type named in a declaration or cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prim {
    /// `int` / `Integer`
    Int,
    /// `long` / `Long`
    Long,
    /// `double` / `Double`
    Double,
    /// `float` / `Float`
    Float,
    /// `short` / `Short`
    Short,
    /// `byte` / `Byte`
    Byte,
    /// `boolean` / `Boolean`
    Bool,
    /// `String`
    Str,
}

impl Prim {
    fn of(word: &str) -> Option<(Prim, bool)> {
        Some(match word {
            "int" => (Prim::Int, true),
            "long" => (Prim::Long, true),
            "double" => (Prim::Double, true),
            "float" => (Prim::Float, true),
            "short" => (Prim::Short, true),
            "byte" => (Prim::Byte, true),
            "boolean" => (Prim::Bool, true),
            "Integer" => (Prim::Int, false),
            "Long" => (Prim::Long, false),
            "Double" => (Prim::Double, false),
            "Float" => (Prim::Float, false),
            "Short" => (Prim::Short, false),
            "Byte" => (Prim::Byte, false),
            "Boolean" => (Prim::Bool, false),
            "String" => (Prim::Str, false),
            _ => return None,
        })
    }
}

/// A literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// `null` (and JavaScript's `undefined`)
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An int literal.
    Int(i32),
    /// A long literal (`L` suffix).
    Long(i64),
    /// A double literal.
    Double(f64),
    /// A float literal (`f` suffix).
    Float(f32),
    /// A string literal.
    Str(String),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bin {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==` (and `===`)
    Eq,
    /// `!=` (and `!==`)
    Ne,
    /// `&&`
    And,
    /// `||`
    Or,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A literal.
    Lit(Lit),
    /// An argument or local variable, by slot.
    Var(usize),
    /// `-e`
    Neg(Box<Expr>),
    /// `!e`
    Not(Box<Expr>),
    /// `a op b`
    Bin(Bin, Box<Expr>, Box<Expr>),
    /// `c ? a : b`
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `(type) e`
    Cast(Prim, Box<Expr>),
    /// `Math.f(args)`, `Integer.valueOf(x)`, `String.valueOf(x)`: the class, the method.
    Static(String, String, Vec<Expr>),
    /// `receiver.method(args)`
    Method(Box<Expr>, String, Vec<Expr>),
}

/// A Java statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// `return e;`
    Return(Expr),
    /// `if (c) s [else s]`
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    /// `{ ... }`
    Block(Vec<Stmt>),
    /// A local declaration or an assignment (`x = e`, `x op= e`): slot, declared type
    /// when declared, compound operator, value.
    Assign(usize, Option<Prim>, Option<Bin>, Option<Expr>),
    /// `e;`
    Expr(Expr),
}

/// A parsed body with its local variables (slots after the arguments).
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// The statements (a JavaScript body is one `Return`).
    pub stmts: Vec<Stmt>,
    /// Every variable slot: arguments first, then locals with their declared types.
    pub slots: Vec<(String, Option<Prim>)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(String),
    Str(String),
    Ident(String),
    Punct(&'static str),
}

const PUNCTS: [&str; 31] = [
    "===", "!==", "+=", "-=", "*=", "/=", "%=", "==", "!=", "<=", ">=", "&&", "||", "+", "-", "*",
    "/", "%", "<", ">", "!", "?", ":", "(", ")", "{", "}", ";", ",", ".", "=",
];

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while chars.get(i).is_some_and(|c| *c != '\n') {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while chars.get(i).is_some() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
                || (i > start
                    && matches!(chars.get(i), Some('+' | '-'))
                    && matches!(chars.get(i - 1), Some('e' | 'E')))
            {
                i += 1;
            }
            out.push(Tok::Num(chars[start..i].iter().collect()));
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
            {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
        } else if c == '"' || c == '\'' {
            i += 1;
            let mut s = String::new();
            loop {
                match chars.get(i) {
                    None => return Err("unterminated string literal".into()),
                    Some(q) if *q == c => break,
                    Some('\\') => {
                        i += 1;
                        s.push(match chars.get(i) {
                            Some('n') => '\n',
                            Some('t') => '\t',
                            Some('r') => '\r',
                            Some(other) => *other,
                            None => return Err("unterminated string literal".into()),
                        });
                    }
                    Some(other) => s.push(*other),
                }
                i += 1;
            }
            i += 1;
            out.push(Tok::Str(s));
        } else {
            let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
            let Some(p) = PUNCTS.iter().find(|p| rest.starts_with(**p)) else {
                return Err(format!("unsupported character '{c}'"));
            };
            i += p.len();
            out.push(Tok::Punct(p));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
    slots: Vec<(String, Option<Prim>)>,
    java: bool,
}

type PResult<T> = Result<T, String>;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.pos + n)
    }
    fn is(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Tok::Punct(q)) if *q == p)
    }
    fn eat(&mut self, p: &str) -> bool {
        let yes = self.is(p);
        if yes {
            self.pos += 1;
        }
        yes
    }
    fn expect(&mut self, p: &str) -> PResult<()> {
        if self.eat(p) {
            Ok(())
        } else {
            Err(format!("expected '{p}' at {}", self.describe()))
        }
    }
    fn describe(&self) -> String {
        match self.peek() {
            None => "end of body".into(),
            Some(Tok::Num(n)) => format!("'{n}'"),
            Some(Tok::Str(s)) => format!("\"{s}\""),
            Some(Tok::Ident(i)) => format!("'{i}'"),
            Some(Tok::Punct(p)) => format!("'{p}'"),
        }
    }
    fn ident(&mut self) -> PResult<String> {
        match self.peek().cloned() {
            Some(Tok::Ident(i)) => {
                self.pos += 1;
                Ok(i)
            }
            _ => Err(format!("expected a name at {}", self.describe())),
        }
    }
    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("nesting too deep".into());
        }
        Ok(())
    }
    fn slot(&self, name: &str) -> Option<usize> {
        self.slots.iter().rposition(|(n, _)| n == name)
    }

    fn stmt(&mut self) -> PResult<Stmt> {
        self.enter()?;
        let s = self.stmt_inner();
        self.depth -= 1;
        s
    }

    fn stmt_inner(&mut self) -> PResult<Stmt> {
        if self.eat("{") {
            let mut body = Vec::new();
            while !self.eat("}") {
                if self.peek().is_none() {
                    return Err("expected '}' at end of body".into());
                }
                body.push(self.stmt()?);
            }
            return Ok(Stmt::Block(body));
        }
        if self.eat(";") {
            return Ok(Stmt::Block(Vec::new()));
        }
        match self.peek().cloned() {
            Some(Tok::Ident(w)) if w == "return" => {
                self.pos += 1;
                let e = if self.is(";") {
                    Expr::Lit(Lit::Null)
                } else {
                    self.expr()?
                };
                self.expect(";")?;
                Ok(Stmt::Return(e))
            }
            Some(Tok::Ident(w)) if w == "if" => {
                self.pos += 1;
                self.expect("(")?;
                let c = self.expr()?;
                self.expect(")")?;
                let then = self.stmt()?;
                let other = match self.peek() {
                    Some(Tok::Ident(w)) if w == "else" => {
                        self.pos += 1;
                        Some(Box::new(self.stmt()?))
                    }
                    _ => None,
                };
                Ok(Stmt::If(c, Box::new(then), other))
            }
            Some(Tok::Ident(w))
                if Prim::of(&w).is_some() && matches!(self.peek_at(1), Some(Tok::Ident(_))) =>
            {
                self.pos += 1;
                let name = self.ident()?;
                let prim = Prim::of(&w).map(|(p, _)| p);
                let value = if self.eat("=") {
                    Some(self.expr()?)
                } else {
                    None
                };
                self.expect(";")?;
                self.slots.push((name, prim));
                Ok(Stmt::Assign(self.slots.len() - 1, prim, None, value))
            }
            Some(Tok::Ident(w)) if matches!(self.peek_at(1), Some(Tok::Punct(p)) if p.ends_with('=') && !p.starts_with("==") && *p != "<=" && *p != ">=" && *p != "!=" && *p != "!==") =>
            {
                let slot = self
                    .slot(&w)
                    .ok_or_else(|| format!("{w} cannot be resolved to a variable"))?;
                self.pos += 1;
                let op = match self.peek() {
                    Some(Tok::Punct("+=")) => Some(Bin::Add),
                    Some(Tok::Punct("-=")) => Some(Bin::Sub),
                    Some(Tok::Punct("*=")) => Some(Bin::Mul),
                    Some(Tok::Punct("/=")) => Some(Bin::Div),
                    Some(Tok::Punct("%=")) => Some(Bin::Rem),
                    _ => None,
                };
                self.pos += 1;
                let value = self.expr()?;
                self.expect(";")?;
                Ok(Stmt::Assign(slot, None, op, Some(value)))
            }
            _ => {
                let e = self.expr()?;
                self.expect(";")?;
                Ok(Stmt::Expr(e))
            }
        }
    }

    fn expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let e = self.ternary();
        self.depth -= 1;
        e
    }

    fn ternary(&mut self) -> PResult<Expr> {
        let c = self.binary(0)?;
        if self.eat("?") {
            let a = self.expr()?;
            self.expect(":")?;
            let b = self.expr()?;
            return Ok(Expr::Cond(Box::new(c), Box::new(a), Box::new(b)));
        }
        Ok(c)
    }

    fn op_at(&self, level: usize) -> Option<Bin> {
        let Some(Tok::Punct(p)) = self.peek() else {
            return None;
        };
        let op = match (*p, level) {
            ("||", 0) => Bin::Or,
            ("&&", 1) => Bin::And,
            ("==", 2) => Bin::Eq,
            ("!=", 2) => Bin::Ne,
            ("===", 2) if !self.java => Bin::Eq,
            ("!==", 2) if !self.java => Bin::Ne,
            ("<", 3) => Bin::Lt,
            ("<=", 3) => Bin::Le,
            (">", 3) => Bin::Gt,
            (">=", 3) => Bin::Ge,
            ("+", 4) => Bin::Add,
            ("-", 4) => Bin::Sub,
            ("*", 5) => Bin::Mul,
            ("/", 5) => Bin::Div,
            ("%", 5) => Bin::Rem,
            _ => return None,
        };
        Some(op)
    }

    fn binary(&mut self, level: usize) -> PResult<Expr> {
        if level > 5 {
            return self.unary();
        }
        let mut left = self.binary(level + 1)?;
        while let Some(op) = self.op_at(level) {
            self.pos += 1;
            self.enter()?;
            let right = self.binary(level + 1);
            self.depth -= 1;
            left = Expr::Bin(op, Box::new(left), Box::new(right?));
            if !fits(&left, MAX_TREE_DEPTH) {
                return Err("expression too long for cql-sim".into());
            }
        }
        Ok(left)
    }

    fn unary(&mut self) -> PResult<Expr> {
        self.enter()?;
        let e = self.unary_inner();
        self.depth -= 1;
        e
    }

    fn unary_inner(&mut self) -> PResult<Expr> {
        if self.eat("-") {
            if matches!(self.peek(), Some(Tok::Num(n)) if n == "2147483648") {
                self.pos += 1;
                return Ok(Expr::Lit(Lit::Int(i32::MIN)));
            }
            return Ok(match self.unary()? {
                Expr::Lit(Lit::Int(i)) => Expr::Lit(Lit::Int(i.wrapping_neg())),
                Expr::Lit(Lit::Long(i)) => Expr::Lit(Lit::Long(i.wrapping_neg())),
                e => Expr::Neg(Box::new(e)),
            });
        }
        if self.eat("+") {
            return self.unary();
        }
        if self.eat("!") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.is("(") {
            if let (Some(Tok::Ident(w)), Some(Tok::Punct(")"))) = (self.peek_at(1), self.peek_at(2))
            {
                if let Some((p, true)) = Prim::of(w) {
                    self.pos += 3;
                    return Ok(Expr::Cast(p, Box::new(self.unary()?)));
                }
            }
        }
        self.postfix()
    }

    fn args(&mut self) -> PResult<Vec<Expr>> {
        self.expect("(")?;
        let mut args = Vec::new();
        if self.eat(")") {
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            if self.eat(")") {
                return Ok(args);
            }
            self.expect(",")?;
        }
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut e = self.primary()?;
        while self.eat(".") {
            let m = self.ident()?;
            let args = self.args()?;
            e = Expr::Method(Box::new(e), m, args);
            if !fits(&e, MAX_TREE_DEPTH) {
                return Err("expression too long for cql-sim".into());
            }
        }
        Ok(e)
    }

    fn primary(&mut self) -> PResult<Expr> {
        match self.peek().cloned() {
            Some(Tok::Punct("(")) => {
                self.pos += 1;
                let e = self.expr()?;
                self.expect(")")?;
                Ok(e)
            }
            Some(Tok::Num(n)) => {
                self.pos += 1;
                number(&n, self.java).map(Expr::Lit)
            }
            Some(Tok::Str(s)) => {
                self.pos += 1;
                Ok(Expr::Lit(Lit::Str(s)))
            }
            Some(Tok::Ident(w)) => {
                self.pos += 1;
                match w.as_str() {
                    "null" => return Ok(Expr::Lit(Lit::Null)),
                    "undefined" if !self.java => return Ok(Expr::Lit(Lit::Null)),
                    "true" => return Ok(Expr::Lit(Lit::Bool(true))),
                    "false" => return Ok(Expr::Lit(Lit::Bool(false))),
                    _ => {}
                }
                if let Some(slot) = self.slot(&w) {
                    return Ok(Expr::Var(slot));
                }
                let class = w.strip_prefix("java.lang.").unwrap_or(&w).to_string();
                if matches!(
                    class.as_str(),
                    "Math" | "Integer" | "Long" | "Double" | "Float" | "String" | "Short" | "Byte"
                ) && self.eat(".")
                {
                    let m = self.ident()?;
                    let args = self.args()?;
                    return Ok(Expr::Static(class, m, args));
                }
                Err(format!("{w} cannot be resolved to a variable"))
            }
            _ => Err(format!("unexpected {}", self.describe())),
        }
    }
}

/// A numeric literal: Java's int/long/float/double forms; JavaScript numbers are doubles
/// unless they are whole and fit an int.
fn number(text: &str, java: bool) -> PResult<Lit> {
    let clean = text.replace('_', "");
    let lower = clean.to_ascii_lowercase();
    let out_of_range = || format!("The literal {text} of type int is out of range ");
    if let Some(hex) = lower.strip_prefix("0x") {
        if let Some(h) = hex.strip_suffix('l') {
            return u64::from_str_radix(h, 16)
                .map(|v| Lit::Long(v as i64))
                .map_err(|_| format!("invalid number {text}"));
        }
        let v = u32::from_str_radix(hex, 16).map_err(|_| out_of_range())?;
        return Ok(Lit::Int(v as i32));
    }
    if java {
        if let Some(l) = lower.strip_suffix('l') {
            return l
                .parse::<i64>()
                .map(Lit::Long)
                .map_err(|_| format!("The literal {text} of type long is out of range "));
        }
        if let Some(f) = lower.strip_suffix('f') {
            return f
                .parse::<f32>()
                .map(Lit::Float)
                .map_err(|_| format!("invalid number {text}"));
        }
        let d = lower.strip_suffix('d');
        if d.is_none() && !lower.contains(['.', 'e']) {
            return match lower.parse::<i32>() {
                Ok(v) => Ok(Lit::Int(v)),
                _ => Err(out_of_range()),
            };
        }
        return d
            .unwrap_or(&lower)
            .parse::<f64>()
            .map(Lit::Double)
            .map_err(|_| format!("invalid number {text}"));
    }
    lower
        .parse::<f64>()
        .map(Lit::Double)
        .map_err(|_| format!("invalid number {text}"))
}

/// Parses a body in `language` (`java` or `javascript`) taking arguments named `args`.
///
/// # Errors
/// A description of what falls outside the subset.
pub fn parse(language: &str, body: &str, args: &[String]) -> Result<Body, String> {
    if body.len() > MAX_BODY {
        return Err("body too long for cql-sim".into());
    }
    let java = language.eq_ignore_ascii_case("java");
    let mut p = Parser {
        toks: lex(body)?,
        pos: 0,
        depth: 0,
        slots: args.iter().map(|a| (a.clone(), None)).collect(),
        java,
    };
    let mut stmts = Vec::new();
    if java {
        while p.peek().is_some() {
            stmts.push(p.stmt()?);
        }
    } else {
        let e = p.expr()?;
        p.eat(";");
        if p.peek().is_some() {
            return Err(format!(
                "only a single expression is evaluated, found {}",
                p.describe()
            ));
        }
        stmts.push(Stmt::Return(e));
    }
    if !stmts.iter().all(|s| stmt_fits(s, MAX_TREE_DEPTH)) {
        return Err("expression too long for cql-sim".into());
    }
    Ok(Body {
        stmts,
        slots: p.slots,
    })
}

/// Whether a statement's trees are at most `room` deep (the recursion stops there).
fn stmt_fits(s: &Stmt, room: usize) -> bool {
    let Some(room) = room.checked_sub(1) else {
        return false;
    };
    match s {
        Stmt::Return(e) | Stmt::Expr(e) => fits(e, room),
        Stmt::If(c, a, b) => {
            fits(c, room) && stmt_fits(a, room) && b.as_ref().is_none_or(|b| stmt_fits(b, room))
        }
        Stmt::Block(b) => b.iter().all(|s| stmt_fits(s, room)),
        Stmt::Assign(_, _, _, v) => v.as_ref().is_none_or(|e| fits(e, room)),
    }
}

fn fits(e: &Expr, room: usize) -> bool {
    let Some(room) = room.checked_sub(1) else {
        return false;
    };
    match e {
        Expr::Lit(_) | Expr::Var(_) => true,
        Expr::Neg(a) | Expr::Not(a) | Expr::Cast(_, a) => fits(a, room),
        Expr::Bin(_, a, b) => fits(a, room) && fits(b, room),
        Expr::Cond(a, b, c) => fits(a, room) && fits(b, room) && fits(c, room),
        Expr::Static(_, _, args) => args.iter().all(|a| fits(a, room)),
        Expr::Method(r, _, args) => fits(r, room) && args.iter().all(|a| fits(a, room)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_and_javascript_bodies() {
        let b = parse("java", "return a + b * 2;", &["a".into(), "b".into()]).unwrap();
        assert_eq!(b.stmts.len(), 1);
        let b = parse(
            "java",
            "if (val != null) { state.setInt(0, state.getInt(0) + 1); } return state;",
            &["state".into(), "val".into()],
        )
        .unwrap();
        assert_eq!(b.stmts.len(), 2);
        let b = parse("java", "double r = 0; r /= 2; return r;", &[]).unwrap();
        assert_eq!(b.slots.len(), 1);
        assert!(parse("javascript", "a + 'x'", &["a".into()]).is_ok());
        assert!(parse("javascript", "a; b", &["a".into(), "b".into()]).is_err());
        assert!(parse("java", "return x;", &[]).is_err());
        assert!(parse("java", "for (;;) {}", &[]).is_err());
        assert_eq!(
            parse("java", "return -2147483648;", &[]).unwrap().stmts,
            vec![Stmt::Return(Expr::Lit(Lit::Int(i32::MIN)))]
        );
        assert!(parse("java", "return 2147483648;", &[]).is_err());
        assert!(parse("java", "return 9999999999;", &[]).is_err());
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("return {}1{};", "(".repeat(500), ")".repeat(500));
        assert!(parse("java", &deep, &[]).is_err());
        let long = format!("return {};", vec!["1"; 100].join(" + "));
        assert!(parse("java", &long, &[]).is_ok());
        let longer = format!("return {};", vec!["1"; 10_000].join(" + "));
        assert!(parse("java", &longer, &[]).is_err());
        let unary = format!("return {}1;", "-".repeat(500));
        assert!(parse("java", &unary, &[]).is_err());
    }
}
