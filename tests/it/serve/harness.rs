//! The `cairn serve` test harness: a real server (the binary, on
//! 127.0.0.1 with a free port), a plain HTTP/1.1 client over `TcpStream`
//! (so malformed requests can be sent as they are), JWT signing with the
//! test keys, and the CDS Hooks JSON Schemas.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The test folder of the fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fhir")
}

/// The issuer the test configuration trusts.
pub const ISS: &str = "https://ehr.test.invalid";

/// A running `cairn serve`; killed on drop.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// The folder of the configuration and feedback log.
    pub dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts the server on the demo guideline with the test configuration
    /// plus `extra` TOML (top-level keys before the tables).
    pub fn start(extra: &str) -> Server {
        let keys = fixtures().join("keys");
        let auth = format!(
            "[auth]\n[[auth.issuer]]\niss = \"{ISS}\"\nkeys = [\"{}\", \"{}\"]\n",
            keys.join("ehr-es384.pub.pem").display(),
            keys.join("ehr-rs384.pub.pem").display(),
        );
        let demo = fixtures().join("cds-hooks");
        Server::start_full(
            extra,
            &auth,
            &[demo.join("demo.cairn"), demo.join("demo.fhir-r4.toml")],
        )
    }

    /// Starts the server on other guidelines (each followed by its
    /// binding), verification off.
    pub fn start_on(files: &[PathBuf]) -> Server {
        Server::start_full("", "[auth]\nrequired = false\n", files)
    }

    /// Starts the server with another `[auth]` section.
    pub fn start_with_auth(auth: &str) -> Server {
        let demo = fixtures().join("cds-hooks");
        Server::start_full(
            "",
            auth,
            &[demo.join("demo.cairn"), demo.join("demo.fhir-r4.toml")],
        )
    }

    fn start_full(extra: &str, auth: &str, files: &[PathBuf]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            r#"{extra}
as_of = "2026-06-01"
feedback_log = "feedback.jsonl"
log_requests = false

[limits]
body_bytes = 65536

{auth}
[cors]
allow_origins = ["https://ehr.test.invalid"]

[guideline.cds_demo]
url = "https://guidelines.test.invalid/cds-demo"
links = [{{ label = "Local protocol", url = "https://intranet.test.invalid/protocol" }}]
"#
        );
        let path = dir.path().join("serve.toml");
        std::fs::write(&path, config).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_cairn"));
        command.arg("serve");
        for pair in files.chunks(2) {
            command.arg(&pair[0]).arg("--binding").arg(&pair[1]);
        }
        let mut child = command
            .arg("--config")
            .arg(&path)
            .args(["--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Some(addr) = line.trim().strip_prefix("listening on http://") else {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("the server did not start: {line}{err}");
        };
        Server {
            addr: addr.to_string(),
            child,
            dir,
        }
    }

    /// The URL of a service (a JWT's `aud`).
    pub fn url(&self, service: &str) -> String {
        format!("http://{}/cds-services/{service}", self.addr)
    }

    /// The feedback log's text.
    pub fn feedback_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("feedback.jsonl")).unwrap_or_default()
    }

    /// POSTs JSON to a service with a fresh valid token.
    pub fn call(&self, service: &str, body: &Value) -> Reply {
        let token = jwt(
            &Claims::valid(&self.url(service)),
            "ehr-es384.pk8.pem",
            "ES384",
        );
        self.post(
            &format!("/cds-services/{service}"),
            Some(&token),
            &body.to_string(),
        )
    }

    /// POSTs a raw body to the patient-view service with a valid token.
    pub fn call_raw(&self, body: &str) -> Reply {
        let service = "cds_demo-patient-view";
        let token = jwt(
            &Claims::valid(&self.url(service)),
            "ehr-es384.pk8.pem",
            "ES384",
        );
        self.post(&format!("/cds-services/{service}"), Some(&token), body)
    }

    /// POSTs a raw body.
    pub fn post(&self, path: &str, token: Option<&str>, body: &str) -> Reply {
        let mut head = String::from("Content-Type: application/json\r\n");
        if let Some(t) = token {
            head.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        request(&self.addr, "POST", path, &head, body.as_bytes())
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The headers, lowercased names.
    pub headers: Vec<(String, String)>,
    /// The body, as JSON (`Null` when empty or not JSON).
    pub json: Value,
}

impl Reply {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request (`Connection: close`) and reads the whole answer.
pub fn request(addr: &str, method: &str, path: &str, headers: &str, body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before reading the whole body.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    Reply {
        status,
        headers,
        json: serde_json::from_str(&body).unwrap_or(Value::Null),
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// JWT claims of a CDS client.
#[derive(serde::Serialize, Clone)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: u64,
    pub iat: u64,
    pub jti: String,
}

impl Claims {
    /// Valid claims for `aud`, expiring in 5 minutes.
    pub fn valid(aud: &str) -> Claims {
        let now = jsonwebtoken::get_current_timestamp();
        Claims {
            iss: ISS.into(),
            sub: "test-client".into(),
            aud: aud.into(),
            exp: now + 300,
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
        }
    }
}

/// Signs claims with a test key (`ES384` or `RS384`).
pub fn jwt(claims: &Claims, key: &str, alg: &str) -> String {
    let pem = std::fs::read(fixtures().join("keys").join(key)).unwrap();
    let (alg, key) = match alg {
        "ES384" => (
            jsonwebtoken::Algorithm::ES384,
            jsonwebtoken::EncodingKey::from_ec_pem(&pem).unwrap(),
        ),
        _ => (
            jsonwebtoken::Algorithm::RS384,
            jsonwebtoken::EncodingKey::from_rsa_pem(&pem).unwrap(),
        ),
    };
    let mut header = jsonwebtoken::Header::new(alg);
    header.typ = Some("JWT".into());
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

/// Validates `instance` against one of the CDS Hooks schemas.
pub fn assert_schema(schema: &str, instance: &Value) {
    let path = fixtures()
        .join("cds-hooks")
        .join(format!("{schema}.schema.json"));
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{instance:#}");
}
