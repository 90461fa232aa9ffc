//! `kensa watch --sqs` end to end on moto: moto's state changes by real API calls while
//! the CloudTrail record of each call, in the EventBridge envelope, goes to an SQS queue
//! (`watch/moto_env.py` does both, with moto's boto3). Opening SSH to the world on the
//! group of a public instance alerts with the path; the same call on an unattached group
//! does not; closing it alerts the closure; a restart applies the journal again and
//! neither loses nor repeats an alert, even when SQS delivers an event twice.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kensa_aws::testing::{MotoServer, TEST_REGION};
use serde_json::Value;

pub struct Env {
    moto: MotoServer,
    python: PathBuf,
    dir: tempfile::TempDir,
}

impl Env {
    /// moto with its Python, or None (the test is skipped, with a notice).
    pub fn start() -> Option<Env> {
        let moto = MotoServer::start()?;
        let Some(python) = moto.python() else {
            eprintln!(
                "notice: moto's Python (boto3) not found; kensa watch end-to-end test skipped"
            );
            return None;
        };
        Some(Env {
            moto,
            python,
            dir: tempfile::tempdir().unwrap(),
        })
    }

    /// Runs a program with moto's environment; its output, whatever its status.
    pub fn run_any(&self, program: &Path, args: &[&str]) -> Output {
        let mut cmd = Command::new(program);
        cmd.args(args).env_remove("AWS_PROFILE");
        for (k, v) in self.moto.env() {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run");
        eprintln!(
            "{} {}\n{}{}",
            program.display(),
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    pub fn run(&self, program: &Path, args: &[&str]) -> Output {
        let out = self.run_any(program, args);
        assert!(
            out.status.success(),
            "{} {args:?} failed",
            program.display()
        );
        out
    }

    /// moto_env.py COMMAND ARGS: its stdout.
    pub fn moto_env(&self, args: &[&str]) -> String {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/watch/moto_env.py");
        let mut all = vec![script.to_str().unwrap()];
        all.extend(args);
        let out = self.run(&self.python, &all);
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// moto's environment (endpoint, dummy credentials, region) for a process.
    pub fn moto_env_vars(&self) -> Vec<(&'static str, String)> {
        self.moto.env()
    }

    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_string()
    }

    /// `kensa ARGS`, which must succeed.
    pub fn kensa(&self, args: &[&str]) -> Output {
        self.run(&PathBuf::from(env!("CARGO_BIN_EXE_kensa")), args)
    }

    /// The instance setup of `moto_env.py` and a snapshot of it in `snap`: the ids.
    pub fn setup(&self) -> Value {
        self.setup_with(|_, _| {})
    }

    /// `setup`, with `prepare` changing moto before the snapshot is collected.
    pub fn setup_with(&self, prepare: impl FnOnce(&Env, &Value)) -> Value {
        let ids: Value = serde_json::from_str(&self.moto_env(&["setup"])).unwrap();
        prepare(self, &ids);
        let snap = self.path("snap");
        let args = [
            "collect",
            "--region",
            TEST_REGION,
            "--out",
            &snap,
            "--no-progress",
        ];
        self.kensa(&args);
        ids
    }

    /// One `kensa watch --sqs … --once` run: its JSON records and stderr.
    pub fn watch(&self, queue: &str) -> (Vec<Value>, String) {
        self.watch_with(queue, &[])
    }

    /// `watch` with more arguments.
    pub fn watch_with(&self, queue: &str, extra: &[&str]) -> (Vec<Value>, String) {
        let kensa = PathBuf::from(env!("CARGO_BIN_EXE_kensa"));
        let (snap, state) = (self.path("snap"), self.path("state"));
        let args: &[&str] = &[
            "watch",
            "--snapshot",
            &snap,
            "--sqs",
            queue,
            "--once",
            "--wait-seconds",
            "1",
            "--state-dir",
            &state,
            "-f",
            "json",
        ];
        let args: Vec<&str> = args.iter().chain(extra).copied().collect();
        let out = self.run(&kensa, &args);
        let records = String::from_utf8(out.stdout).unwrap();
        let records = (records.lines())
            .map(|l| serde_json::from_str(l).expect("one JSON record per line"))
            .collect();
        (records, String::from_utf8(out.stderr).unwrap())
    }
}

#[test]
fn watch_on_moto_alerts_exposure_deltas_once_across_restarts() {
    let Some(env) = Env::start() else {
        return;
    };
    let ids = env.setup();
    let id = |k: &str| ids[k].as_str().unwrap().to_string();
    let (web, spare, instance, queue) = (id("web"), id("spare"), id("instance"), id("queue"));

    // SSH opened on the public instance's group and on a group attached to nothing.
    let opened = env.moto_env(&["open", &web, &env.path("open-web.json")]);
    env.moto_env(&["open", &spare, &env.path("open-spare.json")]);
    let (records, _) = env.watch(&queue);
    assert_eq!(
        records.len(),
        1,
        "only the attached group alerts: {records:?}"
    );
    let a = &records[0];
    assert_eq!(a["kind"], "exposure");
    assert_eq!(a["change"], "opened");
    assert_eq!(a["severity"], "High");
    assert_eq!(a["resource"], instance.as_str());
    assert_eq!(a["source_class"], "Internet");
    assert_eq!(a["ports"], serde_json::json!(["tcp/22"]));
    assert_eq!(a["event"]["event_id"], opened.as_str());
    assert_eq!(a["event"]["event_name"], "AuthorizeSecurityGroupIngress");
    assert_eq!(a["event"]["actor"], "arn:aws:iam::123456789012:user/alice");
    let path = a["path"].as_str().unwrap();
    assert!(path.starts_with("igw-") && path.contains(&web), "{path}");

    // Closed, and the opening delivered again: after a restart only the closure alerts.
    let closed = env.moto_env(&["close", &web, &env.path("close-web.json")]);
    env.moto_env(&["send", &env.path("open-web.json")]);
    let (records, stderr) = env.watch(&queue);
    assert!(
        stderr.contains("2 journaled event(s) applied again"),
        "{stderr}"
    );
    assert!(stderr.contains("1 duplicate(s) skipped"), "{stderr}");
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["change"], "closed");
    assert_eq!(records[0]["resource"], instance.as_str());
    assert_eq!(records[0]["event"]["event_id"], closed.as_str());

    // Both deliveries again (a crash before the queue deletes them): nothing new.
    env.moto_env(&["send", &env.path("close-web.json")]);
    env.moto_env(&["send", &env.path("open-spare.json")]);
    let (records, stderr) = env.watch(&queue);
    assert!(records.is_empty(), "{records:?}");
    assert!(stderr.contains("2 duplicate(s) skipped"), "{stderr}");
}
