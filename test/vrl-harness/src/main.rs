//! Runs VRL programs with the `vrl` crate Vector 0.57.0 pins, the way Vector's `remap` transform
//! runs them (a `TargetValue` event, UTC, `Runtime::resolve`; a root array becomes several events;
//! `abort` drops the event). Used by the audit routing tests (test/audit-vrl.test.ts and
//! test/cluster/99-audit.cluster.test.ts), built by scripts/build-tools.sh.
//!
//! stdin: one JSON job
//!   { "programs": { "<name>": "<vrl source>" },
//!     "cases": [ { "program": "<name>", "event": {..}, "conditions": ["<vrl source>", ..] } ] }
//! stdout: one JSON report
//!   { "compiled": { "<name>": null | "<diagnostics>" },
//!     "results": [ { "outputs": [{..}], "aborted": bool, "error": null | "<message>",
//!                    "conditions": [true | false | "<error>"] } ] }
//! A condition runs on each output event (as a Vector unit test's `type: vrl` condition does) and
//! must return a boolean. Exit 0 when the job ran (the caller judges the results), 2 on a bad job.
use std::collections::BTreeMap;
use std::io::Read;

use serde_json::{json, Map, Value as Json};
use vrl::compiler::{runtime::Runtime, runtime::Terminate, Program, TargetValue, TimeZone};
use vrl::value::{Secrets, Value};

fn compile(source: &str, fns: &[Box<dyn vrl::compiler::Function>]) -> Result<Program, String> {
    match vrl::compiler::compile(source, fns) {
        Ok(r) => Ok(r.program),
        Err(diagnostics) => Err(vrl::diagnostic::Formatter::new(source, diagnostics).to_string()),
    }
}

enum Outcome {
    Events(Vec<Value>),
    Aborted,
    Failed(String),
}

fn run(program: &Program, event: Value) -> Outcome {
    let mut target = TargetValue { value: event, metadata: Value::Object(BTreeMap::new()), secrets: Secrets::default() };
    let mut runtime = Runtime::default();
    match runtime.resolve(&mut target, program, &utc()) {
        Ok(_) => Outcome::Events(match target.value {
            Value::Array(items) => items,
            v => vec![v],
        }),
        Err(Terminate::Abort(_)) => Outcome::Aborted,
        Err(Terminate::Error(e)) => Outcome::Failed(e.to_string()),
    }
}

fn utc() -> TimeZone {
    TimeZone::parse("UTC").expect("the tz database names UTC")
}

fn to_json(v: Value) -> Json {
    v.try_into().unwrap_or(Json::Null)
}

fn main() {
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("vrl-harness: reading stdin: {e}");
        std::process::exit(2);
    }
    let job: Json = match serde_json::from_str(&input) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("vrl-harness: stdin is not a JSON job: {e}");
            std::process::exit(2);
        }
    };
    let fns = vrl::stdlib::all();
    let mut programs: BTreeMap<String, Program> = BTreeMap::new();
    let mut compiled = Map::new();
    if let Some(ps) = job.get("programs").and_then(Json::as_object) {
        for (name, src) in ps {
            let src = src.as_str().unwrap_or_default();
            match compile(src, &fns) {
                Ok(p) => {
                    programs.insert(name.clone(), p);
                    compiled.insert(name.clone(), Json::Null);
                }
                Err(d) => {
                    compiled.insert(name.clone(), Json::String(d));
                }
            }
        }
    }
    let mut results = Vec::new();
    for case in job.get("cases").and_then(Json::as_array).cloned().unwrap_or_default() {
        let name = case.get("program").and_then(Json::as_str).unwrap_or_default();
        let Some(program) = programs.get(name) else {
            results.push(json!({ "outputs": [], "aborted": false, "error": format!("no compiled program {name:?}"), "conditions": [] }));
            continue;
        };
        let event = Value::from(case.get("event").cloned().unwrap_or(Json::Null));
        let (outputs, aborted, error) = match run(program, event) {
            Outcome::Events(evs) => (evs, false, Json::Null),
            Outcome::Aborted => (vec![], true, Json::Null),
            Outcome::Failed(m) => (vec![], false, Json::String(m)),
        };
        let mut conditions = Vec::new();
        for cond in case.get("conditions").and_then(Json::as_array).cloned().unwrap_or_default() {
            let src = cond.as_str().unwrap_or_default();
            let verdict = match compile(src, &fns) {
                Err(d) => Json::String(format!("condition does not compile: {d}")),
                Ok(_) if outputs.is_empty() => Json::String("no output event to check".into()),
                Ok(p) => {
                    // Every output must satisfy the condition, as Vector's `extract_from` checks each.
                    let mut all = Json::Bool(true);
                    for out in &outputs {
                        // The condition's value is the program's result, not the target.
                        let mut target = TargetValue { value: out.clone(), metadata: Value::Object(BTreeMap::new()), secrets: Secrets::default() };
                        match Runtime::default().resolve(&mut target, &p, &utc()) {
                            Ok(Value::Boolean(true)) => {}
                            Ok(Value::Boolean(false)) => all = Json::Bool(false),
                            Ok(other) => all = Json::String(format!("condition returned {other}, not a boolean")),
                            Err(Terminate::Abort(_)) => all = Json::String("condition aborted".into()),
                            Err(Terminate::Error(e)) => all = Json::String(e.to_string()),
                        }
                        if all != Json::Bool(true) {
                            break;
                        }
                    }
                    all
                }
            };
            conditions.push(verdict);
        }
        results.push(json!({
            "outputs": outputs.into_iter().map(to_json).collect::<Vec<_>>(),
            "aborted": aborted,
            "error": error,
            "conditions": conditions,
        }));
    }
    println!("{}", json!({ "compiled": compiled, "results": results }));
}
