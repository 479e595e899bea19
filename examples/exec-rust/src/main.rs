// SPDX-License-Identifier: MIT
//! nestref-exec-rust: the SMMUv3 host rewrite of the released kernels
//! (linux-7.2, and the released driver rules of rfc-v3 and linux-6.13) as
//! a child of nestref's `exec` backend, speaking protocol 1 of
//! docs/spec/protocol.md on stdin and stdout:
//!
//!     nestref run --backend exec:'PATH/nestref-exec-rust' vectors/smmuv3
//!
//! One child serves one context.  Logs go to stderr, never to stdout.

mod host;
mod smmu;

use std::io::{self, BufRead, Write};

use serde_json::{json, Map, Value};

use host::{Fail, Host, Rules};
use smmu::{Cmd, Features};

const NAME: &str = "exec-rust-smmuv3";

/// The profiles whose driver rules this child follows: every released
/// one.  linux-7.4's strict series is not implemented.
const PROFILES: [&str; 3] = ["rfc-v3", "linux-6.13", "linux-7.2"];

/// The negative errno a name stands for (Linux's numbers; nestref reads
/// the name, docs/spec/protocol.md section 3).
fn errno_value(name: &str) -> i64 {
    match name {
        "ENOENT" => -2,
        "EIO" => -5,
        "E2BIG" => -7,
        "ENOMEM" => -12,
        "EFAULT" => -14,
        "EBUSY" => -16,
        "EEXIST" => -17,
        "ENODEV" => -19,
        "EINVAL" => -22,
        "ERANGE" => -34,
        "EOPNOTSUPP" => -95,
        _ => -5,
    }
}

/// A request's members, read leniently: a missing or mistyped member is
/// a protocol error, answered EINVAL with a sentence.
struct Req<'a> {
    op: &'a str,
    obj: &'a Map<String, Value>,
}

fn bad(op: &str, what: String) -> Fail {
    Fail {
        errno: "EINVAL",
        message: format!("{}: {}: {}", NAME, op, what),
        rule: None,
    }
}

/// A u64 as protocol 1 writes it: a number, or "0x..." from 2^53 up.
fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => {
            let hex = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))?;
            u64::from_str_radix(hex, 16).ok()
        }
        _ => None,
    }
}

impl<'a> Req<'a> {
    fn get(&self, key: &str) -> Result<&'a Value, Fail> {
        self.obj
            .get(key)
            .ok_or_else(|| bad(self.op, format!("member '{}' is missing", key)))
    }

    fn u64(&self, key: &str) -> Result<u64, Fail> {
        as_u64(self.get(key)?).ok_or_else(|| bad(self.op, format!("'{}' is not a u64", key)))
    }

    fn u32(&self, key: &str) -> Result<u32, Fail> {
        let v = self.u64(key)?;
        u32::try_from(v).map_err(|_| bad(self.op, format!("'{}' is above 32 bits", key)))
    }

    fn str(&self, key: &str) -> Result<&'a str, Fail> {
        self.get(key)?
            .as_str()
            .ok_or_else(|| bad(self.op, format!("'{}' is not a string", key)))
    }

    fn bytes(&self, key: &str) -> Result<Vec<u8>, Fail> {
        let s = self.str(key)?;
        hex_decode(s).ok_or_else(|| bad(self.op, format!("'{}' is not a hex byte string", key)))
    }
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if b.len() % 2 != 0 {
        return None;
    }
    b.chunks(2)
        .map(|p| Some(hex_digit(p[0])? << 4 | hex_digit(p[1])?))
        .collect()
}

fn hex_encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

/// A command in the uAPI's layout: two little-endian 64-bit words.
fn cmd_from_bytes(b: &[u8]) -> Cmd {
    let mut w = [[0u8; 8]; 2];
    w[0].copy_from_slice(&b[0..8]);
    w[1].copy_from_slice(&b[8..16]);
    [u64::from_le_bytes(w[0]), u64::from_le_bytes(w[1])]
}

fn cmd_to_hex(c: &Cmd) -> String {
    let mut b = [0u8; 16];
    b[0..8].copy_from_slice(&c[0].to_le_bytes());
    b[8..16].copy_from_slice(&c[1].to_le_bytes());
    hex_encode(&b)
}

/// The child's state across one session.
struct Session {
    host: Option<Host>,
}

type Reply = Result<Map<String, Value>, Fail>;

fn ok() -> Reply {
    Ok(Map::new())
}

fn with(pairs: Vec<(&str, Value)>) -> Reply {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.to_string(), v);
    }
    Ok(m)
}

impl Session {
    fn host(&mut self, op: &str) -> Result<&mut Host, Fail> {
        self.host
            .as_mut()
            .ok_or_else(|| bad(op, "the context is not open".into()))
    }

    fn hello(&mut self, req: &Req) -> Reply {
        let protocol = req.u64("protocol")?;
        if protocol != 1 {
            return Err(bad(req.op, format!("protocol {} is not 1", protocol)));
        }
        with(vec![
            ("protocol", json!(1)),
            ("name", json!(NAME)),
            ("version", json!(env!("CARGO_PKG_VERSION"))),
            (
                "caps",
                json!(["inv-arm-smmuv3", "observe-issued", "raw-user-data", "observe-hw-info"]),
            ),
            ("profiles", json!(PROFILES)),
            ("dev_user_data_len", json!(4)),
            (
                "invalidate",
                json!({"type": host::INV_TYPE_ARM_SMMUV3, "entry_size": host::CMD_SIZE}),
            ),
        ])
    }

    fn open(&mut self, req: &Req) -> Reply {
        let names = req
            .get("rules")?
            .as_array()
            .ok_or_else(|| bad(req.op, "'rules' is not an array".into()))?;
        let rules = Rules::from_names(names.iter().filter_map(Value::as_str));
        if rules.strict_commands {
            return Err(Fail {
                errno: "EOPNOTSUPP",
                message: format!("{}: strict-commands (linux-7.4) is not implemented", NAME),
                rule: None,
            });
        }
        let options = req.obj.get("options").and_then(Value::as_str).unwrap_or("");
        if !options.is_empty() {
            return Err(bad(req.op, format!("takes no options (got '{}')", options)));
        }
        let mut features = Features::default();
        if let Some(Value::Object(s)) = req.obj.get("smmu") {
            let num = |k: &str, d: u32| s.get(k).and_then(as_u64).map_or(d, |v| v as u32);
            let flag = |k: &str, d: bool| s.get(k).and_then(Value::as_bool).unwrap_or(d);
            features = Features {
                sidsize: num("sidsize", features.sidsize),
                ssidsize: num("ssidsize", features.ssidsize),
                asid16: flag("asid16", features.asid16),
                vmid16: flag("vmid16", features.vmid16),
                ril: flag("ril", features.ril),
                ats: flag("ats", features.ats),
                ds: flag("ds", features.ds),
                repeat_tlbi_cfgi: flag("repeat_tlbi_cfgi", features.repeat_tlbi_cfgi),
                gerror_irq_blocked: flag("gerror_irq_blocked", features.gerror_irq_blocked),
            };
        }
        let kmalloc_max = req.u64("kmalloc_max")?;
        self.host = Some(Host::new(rules, kmalloc_max, features));
        ok()
    }

    fn invalidate(&mut self, req: &Req) -> Reply {
        let viommu = req.u32("viommu")?;
        let entry_num = req.u32("entry_num")?;
        let base = req.u32("base").unwrap_or(0);
        let copy = req
            .get("copy")?
            .as_object()
            .ok_or_else(|| bad(req.op, "'copy' is not an object".into()))?;
        let copy_req = Req { op: req.op, obj: copy };
        let rc = copy_req
            .get("rc")?
            .as_i64()
            .ok_or_else(|| bad(req.op, "the copy's 'rc' is not an integer".into()))?;
        let copied: Result<Vec<Cmd>, Fail> = match rc {
            0 => {
                let bytes = copy_req.bytes("entries")?;
                if bytes.len() % host::CMD_SIZE != 0 {
                    return Err(bad(req.op, "the copy is not whole commands".into()));
                }
                Ok(bytes.chunks(host::CMD_SIZE).map(cmd_from_bytes).collect())
            }
            _ => {
                let name = copy_req.str("errno")?;
                Err(Fail {
                    errno: errno_name(name),
                    message: format!(
                        "{}: the full-array copy refused the array: {} (kernel-facts 2.6, 3.4)",
                        NAME, name
                    ),
                    rule: None,
                })
            }
        };
        let h = self.host(req.op)?;
        let r = h.cache_invalidate_user(viommu, entry_num, base, copied);
        let mut m = match &r.result {
            Ok(()) => Map::new(),
            Err(f) => fail_members(f),
        };
        if let Some(n) = r.entry_num {
            m.insert("entry_num".into(), json!(n));
        }
        Ok(m)
    }

    fn dispatch(&mut self, req: &Req) -> Reply {
        match req.op {
            "hello" => self.hello(req),
            "open" => self.open(req),
            "close" => {
                self.host = None;
                ok()
            }
            "viommu_init" => {
                let (id, s2) = (req.u32("viommu")?, req.u32("s2_id")?);
                self.host(req.op)?.viommu_init(id, s2).map(|_| Map::new())
            }
            "viommu_destroy" => {
                let id = req.u32("viommu")?;
                self.host(req.op)?.viommu_destroy(id);
                ok()
            }
            "dev_init" => {
                let id = req.u32("dev")?;
                let psids = req
                    .get("psids")?
                    .as_array()
                    .ok_or_else(|| bad(req.op, "'psids' is not an array".into()))?
                    .iter()
                    .map(|v| as_u64(v).and_then(|p| u32::try_from(p).ok()))
                    .collect::<Option<Vec<u32>>>()
                    .ok_or_else(|| bad(req.op, "a pSID is not a 32-bit integer".into()))?;
                self.host(req.op)?.dev_init(id, psids).map(|_| Map::new())
            }
            "dev_destroy" => {
                let id = req.u32("dev")?;
                self.host(req.op)?.dev_destroy(id);
                ok()
            }
            "set_dev_user_data" => {
                let (viommu, dev) = (req.u32("viommu")?, req.u32("dev")?);
                let data = req.bytes("data")?;
                let vsid = self.host(req.op)?.set_dev_user_data(viommu, dev, &data)?;
                with(vec![("link", json!(vsid))])
            }
            "unset_dev_user_data" => {
                let (viommu, dev) = (req.u32("viommu")?, req.u32("dev")?);
                let virt_id = req.obj.get("virt_id").and_then(as_u64);
                self.host(req.op)?.unset_dev_user_data(viommu, dev, virt_id);
                ok()
            }
            "cache_invalidate_user" => self.invalidate(req),
            "hw_info" => {
                let flags = self.host(req.op)?.hw_info();
                with(vec![("flags", json!(flags))])
            }
            "issued" => {
                let h = self.host(req.op)?;
                let cmds: Vec<Value> = h.smmu.issued().iter().map(|c| json!(cmd_to_hex(c))).collect();
                with(vec![("cmds", Value::Array(cmds))])
            }
            "issued_clear" => {
                self.host(req.op)?.smmu.issued_clear();
                ok()
            }
            "counters" => {
                let h = self.host(req.op)?;
                let all = [
                    ("host.rewrites", h.rewrites),
                    ("host.batches", h.batches),
                    ("host.rejects.unknown-vsid", h.unknown_vsid),
                    ("host.rejects.opcode-refused", h.opcode_refused),
                    ("host.cerror-skips", h.smmu.cerror_ill),
                    ("smmu.commands", h.smmu.commands),
                ];
                let list: Vec<Value> = all
                    .iter()
                    .filter(|(_, v)| *v != 0)
                    .map(|(n, v)| json!({"name": n, "value": v}))
                    .collect();
                with(vec![("counters", Value::Array(list))])
            }
            _ => Err(Fail {
                errno: "EOPNOTSUPP",
                message: format!("{}: no op '{}'", NAME, req.op),
                rule: None,
            }),
        }
    }
}

/// The copy helper's errno, kept by name (a static str for Fail).
fn errno_name(name: &str) -> &'static str {
    const KNOWN: [&str; 11] = [
        "ENOENT", "EIO", "E2BIG", "ENOMEM", "EFAULT", "EBUSY", "EEXIST", "ENODEV", "EINVAL",
        "ERANGE", "EOPNOTSUPP",
    ];
    KNOWN.iter().find(|k| **k == name).copied().unwrap_or("EIO")
}

fn fail_members(f: &Fail) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("rc".into(), json!(errno_value(f.errno)));
    m.insert("errno".into(), json!(f.errno));
    m.insert("message".into(), json!(f.message));
    if let Some(rule) = f.rule {
        m.insert("rule".into(), json!(rule));
    }
    m
}

fn main() {
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut session = Session { host: None };
    let mut line = String::new();
    let mut input = stdin.lock();

    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) => break, // end of file: nestref is done with us
            Ok(_) => {}
            Err(e) => {
                eprintln!("{}: reading stdin: {}", NAME, e);
                std::process::exit(1);
            }
        }
        let request: Value = match serde_json::from_str(line.trim_end()) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("{}: a request that is not JSON: {}", NAME, e);
                std::process::exit(1);
            }
        };
        let obj = match request.as_object() {
            Some(o) => o,
            None => {
                eprintln!("{}: a request that is not a JSON object", NAME);
                std::process::exit(1);
            }
        };
        let id = obj.get("id").cloned().unwrap_or(Value::Null);
        let op = obj.get("op").and_then(Value::as_str).unwrap_or("");
        let req = Req { op, obj };
        let mut reply = match session.dispatch(&req) {
            Ok(mut m) => {
                if !m.contains_key("rc") {
                    m.insert("rc".into(), json!(0));
                }
                m
            }
            Err(f) => fail_members(&f),
        };
        reply.insert("id".into(), id);
        let text = Value::Object(reply).to_string();
        if writeln!(out, "{}", text).and_then(|_| out.flush()).is_err() {
            // nestref went away: nothing left to answer.
            break;
        }
        if op == "close" {
            break;
        }
    }
}
