//! XLSForm `relevant` and `constraint` expressions: which respondents a question was asked of,
//! and which answers the form would have accepted.
//!
//! The common subset of ODK's XPath is read: `${x}` references, `.` (the answer itself, in a
//! constraint), string and number literals, `=`, `!=`, `<`, `<=`, `>`, `>=`, `+`, `-`, `*`,
//! `div`, `mod`, `and`, `or`, parentheses, and the functions `selected(${x}, 'a')`,
//! `count-selected(${x})`, `not(…)`, `true()`, `false()`, `string-length(…)`, `number(…)`,
//! `string(…)`, `int(…)`, `contains(…, …)`, `starts-with(…, …)`, `ends-with(…, …)`,
//! `date('YYYY-MM-DD')` and `regex(., 'pattern')`. Values follow XPath 1.0 (the rules ODK
//! Collect applies): a question without an answer (or not asked) is the empty string; comparing a
//! number with a string compares them as numbers (the empty string is NaN, so `${age} < 18` is
//! false for no answer); a date (`2024-03-05`) compared as a number is its count of days since
//! 1970-01-01, as ODK compares dates; a string is true when it is not empty. `regex()` matches the
//! whole value, as ODK Collect does (Java's `String.matches`: `regex(., '\p{L}')` refuses
//! "Michael"). `today()` and `now()` are refused: a check that changed from day to day would not
//! give the same findings twice. Anything else is refused with its place in the expression, and a
//! question whose expression is refused is treated as asked of everyone (its missing answers stay
//! "no answer"), its constraint as not checked.

/// A value in an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Num(f64),
    Bool(bool),
}

impl Value {
    fn truth(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Num(x) => *x != 0.0 && !x.is_nan(),
            Value::Str(s) => !s.is_empty(),
        }
    }

    fn number(&self) -> f64 {
        match self {
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Num(x) => *x,
            Value::Str(s) => {
                let t = s.trim();
                t.parse()
                    .ok()
                    .or_else(|| days_since_epoch(t))
                    .unwrap_or(f64::NAN)
            }
        }
    }

    fn text(&self) -> String {
        match self {
            Value::Bool(b) => b.to_string(),
            Value::Num(x) => crate::text::format_number(*x),
            Value::Str(s) => s.clone(),
        }
    }
}

/// Days from 1970-01-01 to a `YYYY-MM-DD` date (with or without a time after it); `None` for
/// anything else. The civil-from-days inverse of H. Hinnant's `days_from_civil`.
fn days_since_epoch(s: &str) -> Option<f64> {
    let date = crate::check::parse_date(s).filter(|_| s.len() >= 10 && s.as_bytes()[4] == b'-')?;
    let (y, m, d): (i64, i64, i64) = (
        date[0..4].parse().ok()?,
        date[5..7].parse().ok()?,
        date[8..10].parse().ok()?,
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) as f64)
}

/// A compiled `regex()` pattern, anchored to match the whole value.
#[derive(Debug, Clone)]
pub struct Pattern(regex::Regex);

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
/// An operator of an expression.
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    And,
    Or,
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Ref(String),
    Lit(Value),
    Neg(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
    /// `regex(value, 'pattern')`, its pattern compiled once.
    Regex(Box<Expr>, Pattern),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ref(String),
    Str(String),
    Num(f64),
    Word(String),
    Sym(&'static str),
}

/// Why an expression is refused: the message and the 1-based character where it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at character {}: {}", self.column, self.message)
    }
}

fn tokens(s: &str) -> Result<Vec<(Tok, usize)>, ParseError> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |i: usize, m: String| ParseError {
        column: i + 1,
        message: m,
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '$' {
            if chars.get(i + 1) != Some(&'{') {
                return Err(err(i, "'$' must start a reference such as ${name}".into()));
            }
            let close = chars[i..]
                .iter()
                .position(|&x| x == '}')
                .ok_or_else(|| err(i, "a reference ${…} is not closed".into()))?;
            let name: String = chars[i + 2..i + close].iter().collect();
            if name.trim().is_empty() {
                return Err(err(i, "an empty reference ${}".into()));
            }
            out.push((Tok::Ref(name.trim().to_string()), start));
            i += close + 1;
            continue;
        }
        if c == '\'' || c == '"' || c == '‘' || c == '’' || c == '“' || c == '”' {
            let closing: &[char] = match c {
                '\'' => &['\''],
                '"' => &['"'],
                '‘' | '’' => &['’', '‘', '\''],
                _ => &['”', '“', '"'],
            };
            let end = chars[i + 1..]
                .iter()
                .position(|x| closing.contains(x))
                .ok_or_else(|| err(i, "a quoted text is not closed".into()))?;
            out.push((Tok::Str(chars[i + 1..i + 1 + end].iter().collect()), start));
            i += end + 2;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let x = text
                .parse()
                .map_err(|_| err(start, format!("'{text}' is not a number")))?;
            out.push((Tok::Num(x), start));
            continue;
        }
        if c == '.' {
            if chars.get(i + 1) == Some(&'.') {
                return Err(err(
                    i,
                    "'..' (the parent group) is not read by capakit".into(),
                ));
            }
            out.push((Tok::Ref(".".into()), start));
            i += 1;
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || chars[i] == '_'
                    || (chars[i] == '-' && chars.get(i + 1).is_some_and(|x| x.is_alphabetic())))
            {
                i += 1;
            }
            out.push((Tok::Word(chars[start..i].iter().collect()), start));
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let sym = ["!=", "<=", ">="]
            .into_iter()
            .find(|s| *s == two)
            .or_else(|| {
                ["=", "<", ">", "+", "-", "*", "(", ")", ","]
                    .into_iter()
                    .find(|s| s.starts_with(c))
            })
            .ok_or_else(|| err(i, format!("'{c}' is not understood here")))?;
        i += sym.chars().count();
        out.push((Tok::Sym(sym), start));
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn column(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |t| t.1) + 1
    }

    fn fail<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            column: self.column(),
            message: message.into(),
        })
    }

    fn word(&mut self, w: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Word(x)) if x == w) {
            self.pos += 1;
            return true;
        }
        false
    }

    fn sym(&mut self, s: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Sym(x)) if *x == s) {
            self.pos += 1;
            return true;
        }
        false
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while self.word("or") {
            left = Expr::Bin(Op::Or, Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.comparison()?;
        while self.word("and") {
            left = Expr::Bin(Op::And, Box::new(left), Box::new(self.comparison()?));
        }
        Ok(left)
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.sum()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Sym("=")) => Op::Eq,
                Some(Tok::Sym("!=")) => Op::Ne,
                Some(Tok::Sym("<")) => Op::Lt,
                Some(Tok::Sym("<=")) => Op::Le,
                Some(Tok::Sym(">")) => Op::Gt,
                Some(Tok::Sym(">=")) => Op::Ge,
                _ => return Ok(left),
            };
            self.pos += 1;
            left = Expr::Bin(op, Box::new(left), Box::new(self.sum()?));
        }
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.product()?;
        loop {
            let op = if self.sym("+") {
                Op::Add
            } else if self.sym("-") {
                Op::Sub
            } else {
                return Ok(left);
            };
            left = Expr::Bin(op, Box::new(left), Box::new(self.product()?));
        }
    }

    fn product(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        loop {
            let op = if self.sym("*") {
                Op::Mul
            } else if self.word("div") {
                Op::Div
            } else if self.word("mod") {
                Op::Mod
            } else {
                return Ok(left);
            };
            left = Expr::Bin(op, Box::new(left), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.sym("-") {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let Some(tok) = self.peek().cloned() else {
            return self.fail("the expression ends too early");
        };
        match tok {
            Tok::Ref(name) => {
                self.pos += 1;
                Ok(Expr::Ref(name))
            }
            Tok::Str(s) => {
                self.pos += 1;
                Ok(Expr::Lit(Value::Str(s)))
            }
            Tok::Num(x) => {
                self.pos += 1;
                Ok(Expr::Lit(Value::Num(x)))
            }
            Tok::Sym("(") => {
                self.pos += 1;
                let e = self.or()?;
                if !self.sym(")") {
                    return self.fail("')' expected");
                }
                Ok(e)
            }
            Tok::Word(name) => {
                let arity = match name.as_str() {
                    "selected" | "regex" | "contains" | "starts-with" | "ends-with" => 2,
                    "count-selected" | "not" | "string-length" | "number" | "string" | "int"
                    | "date" => 1,
                    "true" | "false" => 0,
                    "today" | "now" => {
                        return self.fail(format!(
                            "'{name}' is not evaluated: the findings would change from day to day"
                        ))
                    }
                    _ => {
                        return self.fail(format!(
                            "'{name}' is not a function capakit reads (selected, count-selected, not, true, false, string-length, number, string, int, contains, starts-with, ends-with, date, regex)"
                        ))
                    }
                };
                self.pos += 1;
                if !self.sym("(") {
                    return self.fail(format!("'(' expected after {name}"));
                }
                let mut args = Vec::new();
                if !self.sym(")") {
                    loop {
                        args.push(self.or()?);
                        if self.sym(")") {
                            break;
                        }
                        if !self.sym(",") {
                            return self.fail("',' or ')' expected");
                        }
                    }
                }
                if args.len() != arity {
                    return self.fail(format!(
                        "{name}() takes {arity} argument{}, not {}",
                        if arity == 1 { "" } else { "s" },
                        args.len()
                    ));
                }
                if name == "regex" {
                    let Some(Expr::Lit(Value::Str(pattern))) = args.get(1) else {
                        return self.fail("regex() needs its pattern written in quotes");
                    };
                    let anchored = format!(r"\A(?:{pattern})\z");
                    let compiled = regex::RegexBuilder::new(&anchored)
                        .size_limit(1 << 20)
                        .build()
                        .map_err(|e| ParseError {
                            column: self.column(),
                            message: format!("the pattern '{pattern}' of regex() is not read: {e}"),
                        })?;
                    let value = args.swap_remove(0);
                    return Ok(Expr::Regex(Box::new(value), Pattern(compiled)));
                }
                Ok(Expr::Call(name, args))
            }
            Tok::Sym(s) => self.fail(format!("'{s}' is not expected here")),
        }
    }
}

impl Expr {
    /// Reads an expression; the error tells where it stops making sense.
    pub fn parse(s: &str) -> Result<Expr, ParseError> {
        let toks = tokens(s)?;
        let mut p = Parser {
            toks,
            pos: 0,
            end: s.chars().count(),
        };
        let e = p.or()?;
        if p.pos < p.toks.len() {
            return p.fail("the expression goes on after a complete condition");
        }
        Ok(e)
    }

    /// The questions it names, in order of first mention.
    pub fn references(&self) -> Vec<&str> {
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a str>) {
            match e {
                Expr::Ref(n) => {
                    if n != "." && !out.contains(&n.as_str()) {
                        out.push(n);
                    }
                }
                Expr::Lit(_) => {}
                Expr::Neg(x) => walk(x, out),
                Expr::Bin(_, a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
                Expr::Call(_, args) => args.iter().for_each(|a| walk(a, out)),
                Expr::Regex(x, _) => walk(x, out),
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    /// The value for one respondent; `answer(name)`: the answer to a question (the empty string
    /// for none).
    pub fn eval(&self, answer: &dyn Fn(&str) -> Value) -> Value {
        match self {
            Expr::Ref(n) => answer(n),
            Expr::Lit(v) => v.clone(),
            Expr::Neg(x) => Value::Num(-x.eval(answer).number()),
            Expr::Bin(Op::And, a, b) => {
                Value::Bool(a.eval(answer).truth() && b.eval(answer).truth())
            }
            Expr::Bin(Op::Or, a, b) => {
                Value::Bool(a.eval(answer).truth() || b.eval(answer).truth())
            }
            Expr::Bin(op, a, b) => {
                let (a, b) = (a.eval(answer), b.eval(answer));
                match op {
                    Op::Eq | Op::Ne => {
                        let equal = match (&a, &b) {
                            (Value::Bool(_), _) | (_, Value::Bool(_)) => a.truth() == b.truth(),
                            (Value::Num(_), _) | (_, Value::Num(_)) => a.number() == b.number(),
                            _ => a.text() == b.text(),
                        };
                        Value::Bool(equal == (*op == Op::Eq))
                    }
                    Op::Lt => Value::Bool(a.number() < b.number()),
                    Op::Le => Value::Bool(a.number() <= b.number()),
                    Op::Gt => Value::Bool(a.number() > b.number()),
                    Op::Ge => Value::Bool(a.number() >= b.number()),
                    Op::Add => Value::Num(a.number() + b.number()),
                    Op::Sub => Value::Num(a.number() - b.number()),
                    Op::Mul => Value::Num(a.number() * b.number()),
                    Op::Div => Value::Num(a.number() / b.number()),
                    Op::Mod => Value::Num(a.number() % b.number()),
                    Op::And | Op::Or => unreachable!("handled above"),
                }
            }
            Expr::Call(name, args) => {
                let v: Vec<Value> = args.iter().map(|a| a.eval(answer)).collect();
                match name.as_str() {
                    "selected" => {
                        let wanted = v[1].text();
                        Value::Bool(v[0].text().split_whitespace().any(|x| x == wanted.trim()))
                    }
                    "count-selected" => Value::Num(v[0].text().split_whitespace().count() as f64),
                    "not" => Value::Bool(!v[0].truth()),
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "string-length" => Value::Num(v[0].text().chars().count() as f64),
                    "number" => Value::Num(v[0].number()),
                    "string" => Value::Str(v[0].text()),
                    "int" => Value::Num(v[0].number().trunc()),
                    "contains" => Value::Bool(v[0].text().contains(&v[1].text())),
                    "starts-with" => Value::Bool(v[0].text().starts_with(&v[1].text())),
                    "ends-with" => Value::Bool(v[0].text().ends_with(&v[1].text())),
                    "date" => Value::Num(v[0].number()),
                    _ => unreachable!("only known functions are parsed"),
                }
            }
            Expr::Regex(x, pattern) => Value::Bool(pattern.0.is_match(&x.eval(answer).text())),
        }
    }

    /// Whether the condition holds for one respondent.
    pub fn holds(&self, answer: &dyn Fn(&str) -> Value) -> bool {
        self.eval(answer).truth()
    }
}

/// The value of row `i` of a checked column in an expression: its number, or its text (the empty
/// string for no answer).
pub fn value_at(c: &crate::check::Column, i: usize) -> Value {
    match &c.data {
        crate::check::ColumnData::Numbers(v) => {
            if v[i].is_nan() {
                Value::Str(String::new())
            } else {
                Value::Num(v[i])
            }
        }
        _ => Value::Str(c.text(i).unwrap_or_default().to_string()),
    }
}

/// Which rows of a checked dataset were asked `item`: `None` when the question has no `relevant`
/// (asked of everyone), when its expression is not one capakit reads, or when it names a
/// question the data do not have (then nobody can be told apart as not asked).
pub fn asked_rows(dataset: &crate::check::Dataset, item: &super::Item) -> Option<Vec<bool>> {
    let expr = Expr::parse(item.relevant.as_deref()?.trim()).ok()?;
    let columns: Vec<&crate::check::Column> = expr
        .references()
        .into_iter()
        .map(|n| dataset.column(n))
        .collect::<Option<_>>()?;
    Some(
        (0..dataset.height())
            .map(|i| {
                let answer = |name: &str| {
                    columns
                        .iter()
                        .find(|c| c.name == name)
                        .map_or(Value::Str(String::new()), |c| value_at(c, i))
                };
                expr.holds(&answer)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(pairs: &'a [(&'a str, Value)]) -> impl Fn(&str) -> Value + 'a {
        move |n: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == n)
                .map_or(Value::Str(String::new()), |(_, v)| v.clone())
        }
    }

    fn s(x: &str) -> Value {
        Value::Str(x.into())
    }

    #[test]
    fn the_common_conditions_of_xlsforms() {
        let holds = |e: &str, r: &[(&str, Value)]| Expr::parse(e).unwrap().holds(&row(r));
        let born_abroad = [("migrant_background", s("si"))];
        let born_here = [("migrant_background", s("no"))];
        assert!(holds("${migrant_background} = 'si'", &born_abroad));
        assert!(!holds("${migrant_background} = 'si'", &born_here));
        assert!(!holds("${migrant_background} = 'si'", &[]));
        assert!(holds("${migrant_background} != 'si'", &born_here));
        // No answer is the empty string, which differs from 'si'.
        assert!(holds("${migrant_background} != 'si'", &[]));
        let support = [("support", s("amici tutor"))];
        assert!(holds("selected(${support}, 'tutor')", &support));
        assert!(!holds("selected(${support}, 'famiglia')", &support));
        assert!(holds("not(selected(${support}, 'famiglia'))", &support));
        assert!(holds("count-selected(${support}) >= 2", &support));
        assert!(!holds("count-selected(${support}) > 2", &support));
        assert!(holds("count-selected(${support}) = 0", &[]));
        let age = [("age", Value::Num(17.0))];
        assert!(holds("${age} < 18", &age));
        assert!(holds("${age} >= 16 and ${age} <= 25", &age));
        assert!(!holds("${age} > 17", &age));
        // A missing number compares as NaN: false both ways.
        assert!(!holds("${age} < 18", &[]));
        assert!(!holds("${age} >= 18", &[]));
        // Numbers against quoted numbers compare as numbers (a Likert item read as 3.0).
        assert!(holds("${q} = '3'", &[("q", Value::Num(3.0))]));
        assert!(holds(
            "${a} = 'x' or (${b} = 'y' and not(${c} = 'z'))",
            &[("b", s("y")), ("c", s("w"))]
        ));
        assert!(!holds(
            "${a} = 'x' or ${b} = 'y' and ${c} = 'z'",
            &[("b", s("y")), ("c", s("w"))]
        ));
        assert!(holds("${n} + 1 > 2 * 1", &[("n", Value::Num(2.0))]));
        assert!(holds("${n} mod 2 = 1", &[("n", Value::Num(3.0))]));
        assert!(holds("${n} div 2 = 1.5", &[("n", Value::Num(3.0))]));
        assert!(holds("-${n} < 0", &[("n", Value::Num(3.0))]));
        assert!(holds("string-length(${t}) > 0", &[("t", s("x"))]));
        assert!(holds("${t}", &[("t", s("x"))]) && !holds("${t}", &[]));
        assert!(holds("true()", &[]) && !holds("false()", &[]));
        assert!(holds("${a} = \"x\"", &[("a", s("x"))]));
        assert!(holds("${a} = ’x’", &[("a", s("x"))]));
    }

    #[test]
    fn constraints_on_the_answer_itself() {
        let holds = |e: &str, this: Value| {
            Expr::parse(e)
                .unwrap()
                .holds(&|n: &str| if n == "." { this.clone() } else { s("") })
        };
        // ODK's documented example (docs.getodk.org, "regex middle initial"): the constraint
        // regex(., '\p{L}') refuses "Michael" ("Just the first letter."): the pattern must
        // match the whole value, as Java's String.matches does.
        assert!(holds(r"regex(., '\p{L}')", s("M")));
        assert!(!holds(r"regex(., '\p{L}')", s("Michael")));
        assert!(holds("regex(., '[0-9]{3}|x')", s("x")));
        assert!(!holds("regex(., '[0-9]{3}|x')", s("1234")));
        assert!(holds("regex(., '^[0-9]{3}$')", s("123")));
        assert!(holds("string-length(.) <= 3", s("abc")));
        assert!(!holds("string-length(.) <= 3", s("abcd")));
        assert!(holds(". < 10 or . > 20", Value::Num(21.0)));
        assert!(!holds(". < 10 or . > 20", Value::Num(15.0)));
        assert!(holds(
            "contains(., 'ab') and starts-with(., 'x')",
            s("xabc")
        ));
        assert!(holds("ends-with(., 'z') and int(3.7) = 3", s("xyz")));
        // Dates as days since 1970-01-01; Python 3: (date(2024, 3, 5) - date(1970, 1, 1)).days
        // → 19787, date(1969, 12, 31) → -1, date(2000, 2, 29) → 11016, date(1900, 3, 1) → -25508.
        for (d, days) in [
            ("2024-03-05", 19787.0),
            ("1970-01-01", 0.0),
            ("1969-12-31", -1.0),
            ("2000-02-29", 11016.0),
            ("1900-03-01", -25508.0),
        ] {
            assert_eq!(days_since_epoch(d), Some(days), "{d}");
        }
        assert!(holds(". >= date('2024-01-01')", s("2024-03-05")));
        assert!(!holds(". >= date('2024-01-01')", s("2023-12-31")));
        assert!(holds(". - date('2024-03-01') = 4", s("2024-03-05")));
        // No answer is not a date: the comparison is false.
        assert!(!holds(". >= date('2024-01-01')", s("")));
    }

    #[test]
    fn what_a_constraint_cannot_say_is_refused() {
        let e = Expr::parse(". <= today()").unwrap_err();
        assert!(e.message.contains("day to day"), "{e}");
        let e = Expr::parse("regex(., ${pattern})").unwrap_err();
        assert!(e.message.contains("in quotes"), "{e}");
        let e = Expr::parse("regex(., '[0-9')").unwrap_err();
        assert!(e.message.contains("is not read"), "{e}");
        let e = Expr::parse("position(..) = 1").unwrap_err();
        assert!(e.message.contains("parent group"), "{e}");
        let e = Expr::parse("position(${a}) = 1").unwrap_err();
        assert!(e.message.contains("'position'"), "{e}");
        // `.` is not a question the data must have.
        assert!(Expr::parse(". > ${a}").unwrap().references() == vec!["a"]);
    }

    #[test]
    fn references_in_order() {
        let e = Expr::parse("selected(${b}, 'x') and ${a} = ${b}").unwrap();
        assert_eq!(e.references(), vec!["b", "a"]);
    }

    #[test]
    fn what_is_not_read_is_refused_at_its_place() {
        let e = Expr::parse("${a} = 'x' and").unwrap_err();
        assert_eq!(e.column, 15, "{e}");
        let e = Expr::parse("jr:choice-name(${a}, 'a') = 'x'").unwrap_err();
        assert_eq!(e.column, 3, "{e}");
        let e = Expr::parse("today() > ${a}").unwrap_err();
        assert_eq!(e.column, 1, "{e}");
        assert!(e.message.contains("'today'"), "{e}");
        let e = Expr::parse("${a} = 'x").unwrap_err();
        assert_eq!(e.column, 8);
        let e = Expr::parse("selected(${a})").unwrap_err();
        assert!(e.message.contains("2 arguments"), "{e}");
        let e = Expr::parse("${a} = 'x' 'y'").unwrap_err();
        assert_eq!(e.column, 12);
        assert!(Expr::parse("${a} == 'x'").is_err());
        assert!(Expr::parse("${a = 'x'").is_err());
    }
}
