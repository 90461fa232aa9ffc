//! `kensa watch --sqs` on moto with a load balancer: a TCP/22 listener created on an
//! internet-facing network load balancer in front of an instance that has no public
//! address is described again (the load balancer, its listeners, target groups and
//! targets' health, through kensa-aws) and alerted as an exposure of the instance with
//! the path through the listener; deleting the listener alerts the closure.
use serde_json::Value;

use super::watch_cli::Env;

fn exposures(records: &[Value]) -> Vec<&Value> {
    records.iter().filter(|r| r["kind"] == "exposure").collect()
}

#[test]
fn a_listener_in_front_of_an_instance_alerts_its_path_and_its_deletion_the_closure() {
    let Some(env) = Env::start() else {
        return;
    };
    let mut lb = Value::Null;
    let ids = env.setup_with(|env, ids| {
        let (subnet, vpc) = (
            ids["subnet"].as_str().unwrap(),
            ids["vpc"].as_str().unwrap(),
        );
        lb = serde_json::from_str(&env.moto_env(&["backend", subnet, vpc])).unwrap();
    });
    let queue = ids["queue"].as_str().unwrap();
    let (backend, arn, tg) = (
        lb["backend"].as_str().unwrap(),
        lb["lb"].as_str().unwrap(),
        lb["tg"].as_str().unwrap(),
    );

    let out = env.moto_env(&["listen", arn, tg, &env.path("listen.json")]);
    let (event_id, listener) = out.split_once('\n').unwrap();
    let (records, _) = env.watch(queue);
    assert_eq!(records[0]["kind"], "redescribe", "{records:#?}");
    assert_eq!(records[0]["resource"], arn);
    assert_eq!(records[0]["event"]["event_id"], event_id);
    let opened = exposures(&records);
    assert_eq!(opened.len(), 1, "{records:#?}");
    let a = opened[0];
    assert_eq!(a["change"], "opened");
    assert_eq!(a["severity"], "High");
    assert_eq!(a["resource"], backend);
    assert_eq!(a["source_class"], "Internet");
    assert_eq!(a["ports"], serde_json::json!(["tcp/22"]));
    assert_eq!(a["via"], listener.trim());
    let path = a["path"].as_str().unwrap();
    assert!(path.starts_with("igw-"), "{path}");
    assert!(
        path.contains("front -> listener TCP:22 -> ssh -> eni-"),
        "{path}"
    );
    assert!(path.ends_with(":22"), "{path}");

    // Journaled: a restart rebuilds the same model and alerts nothing; the deletion
    // alerts the closure.
    env.moto_env(&["unlisten", listener.trim(), &env.path("unlisten.json")]);
    let (records, stderr) = env.watch(queue);
    assert!(
        stderr.contains("2 journaled event(s) applied again"),
        "{stderr}"
    );
    let closed = exposures(&records);
    assert_eq!(closed.len(), 1, "{records:#?}");
    assert_eq!(closed[0]["change"], "closed");
    assert_eq!(closed[0]["resource"], backend);
    assert_eq!(closed[0]["ports"], serde_json::json!(["tcp/22"]));
}
