//! Hostile uploads: each refused with a clear JSON reason, recorded for the operator;
//! the agent list reports stale agents as unhealthy.
use std::io::Write;

use kensa_server::auth::Role;
use serde_json::{json, Value};

use crate::delivery::small_report;
use crate::server::{call, Server};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

struct Upload<'a> {
    credential: &'a str,
    id: &'a str,
    sequence: &'a str,
    gzip: bool,
}

fn upload(server: &Server, u: &Upload, body: Vec<u8>) -> (u16, Value) {
    let mut headers = vec![
        ("x-kensa-agent-token", u.credential),
        ("x-kensa-upload-id", u.id),
        ("x-kensa-sequence", u.sequence),
    ];
    if u.gzip {
        headers.push(("content-encoding", "gzip"));
    } else {
        headers.push(("content-encoding", "identity"));
    }
    let (status, body) = call(
        "POST",
        &format!("{}/api/v1/agents/telemetry", server.url()),
        &headers,
        Some(body),
    );
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

const ID1: &str = "6f1c2b8e-0d4a-4c55-9a0e-0123456789ab";
const ID2: &str = "7a2d3c9f-1e5b-4d66-8b1f-0123456789ab";

#[test]
fn hostile_uploads_are_refused_with_a_reason_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("store.db"), Server::free_addr());
    let token = server.enrollment_token("fleet");
    let url = |p: &str| format!("{}/api/v1/agents{p}", server.url());

    // Wrong enrollment token.
    let (status, body) = call(
        "POST",
        &url("/enroll"),
        &[("x-kensa-enrollment-token", "kensa-enroll-guessed")],
        Some(br#"{"hostname":"x"}"#.to_vec()),
    );
    assert_eq!(status, 401, "{body}");
    let (status, body) = call(
        "POST",
        &url("/enroll"),
        &[("x-kensa-enrollment-token", &token)],
        Some(
            json!({"hostname": "web-1", "agent_version": "0.1.0"})
                .to_string()
                .into_bytes(),
        ),
    );
    assert_eq!(status, 201, "{body}");
    let enrolled: Value = serde_json::from_str(&body).unwrap();
    let credential = enrolled["credential"].as_str().unwrap();
    let good = gzip(&serde_json::to_vec(&small_report("web-1")).unwrap());
    let up = |id, sequence| Upload {
        credential,
        id,
        sequence,
        gzip: true,
    };

    // Wrong credential.
    let wrong = Upload {
        credential: "kensa-agent-forged",
        ..up(ID1, "1")
    };
    let (status, body) = upload(&server, &wrong, good.clone());
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("unauthorized"))
    );

    // Oversized compressed body (above 4 MiB).
    let noise: Vec<u8> = (0..5u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let (status, body) = upload(&server, &up(ID1, "1"), noise);
    assert_eq!(status, 413, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("compressed body"));

    // A gzip bomb: small on the wire, 33 MiB inflated.
    let bomb = gzip_fast(&vec![0u8; 33 << 20]);
    let (status, body) = upload(&server, &up(ID1, "1"), bomb);
    assert_eq!(status, 413, "{body}");
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("decompressed document"));

    // Malformed: not gzip, not JSON, wrong schema version, bad headers.
    let plain = Upload {
        gzip: false,
        ..up(ID1, "1")
    };
    let (status, body) = upload(&server, &plain, b"{}".to_vec());
    assert_eq!(status, 400);
    assert!(body["detail"].as_str().unwrap().contains("gzip"), "{body}");
    let (status, body) = upload(&server, &up(ID1, "1"), gzip(b"{not json"));
    assert_eq!(status, 400);
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("telemetry refused: not a telemetry document"),
        "{detail}"
    );
    let mut future = serde_json::to_value(small_report("web-1")).unwrap();
    future["schema_version"] = 99.into();
    let (status, body) = upload(&server, &up(ID1, "1"), gzip(future.to_string().as_bytes()));
    assert_eq!(status, 400);
    assert_eq!(
        body["detail"],
        "telemetry refused: schema_version 99 is not supported (this server reads 1)"
    );
    let (status, body) = upload(&server, &up("not-a-uuid", "1"), good.clone());
    assert_eq!(status, 400);
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("x-kensa-upload-id"));
    let (status, _) = upload(&server, &up(ID1, "-3"), good.clone());
    assert_eq!(status, 400);

    // Good, then replayed (same id), then an older sequence under a new id.
    let (status, body) = upload(&server, &up(ID1, "5"), good.clone());
    assert_eq!(status, 201, "{body}");
    let (status, body) = upload(&server, &up(ID1, "5"), good.clone());
    assert_eq!(status, 409);
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("already received"));
    let (status, body) = upload(&server, &up(ID2, "4"), good.clone());
    assert_eq!(status, 409);
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("not above the last received (5)"));

    // Every refusal was recorded, with its reason, for the operator.
    let operator = server.api_token("ops", Role::Operator);
    let bearer = format!("Bearer {operator}");
    let (status, body) = call(
        "GET",
        &url("/rejections"),
        &[("authorization", &bearer)],
        None,
    );
    assert_eq!(status, 200);
    let rejections: Vec<Value> = serde_json::from_str(&body).unwrap();
    let statuses: Vec<i64> = rejections
        .iter()
        .map(|r| r["status"].as_i64().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [409, 409, 400, 400, 400, 400, 400, 413, 413, 401, 401]
    );
    assert!(rejections
        .iter()
        .all(|r| !r["reason"].as_str().unwrap().is_empty()));
    // Only the one good upload was stored.
    let id = enrolled["agent_id"].as_str().unwrap().to_string();
    let stored = server.store(async move |s| s.agent_uploads(&id).await.unwrap());
    assert_eq!(stored, [(ID1.to_string(), 5)]);

    // A viewer may not read refusals; the agent list needs no more than viewer.
    let viewer = format!("Bearer {}", server.api_token("look", Role::Viewer));
    let (status, _) = call(
        "GET",
        &url("/rejections"),
        &[("authorization", &viewer)],
        None,
    );
    assert_eq!(status, 403);
    let (status, body) = call("GET", &url(""), &[("authorization", &viewer)], None);
    assert_eq!(status, 200, "{body}");
    let agents: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (agents.len(), agents[0]["health"].as_str()),
        (1, Some("healthy"))
    );
    assert_eq!(agents[0]["last_sequence"], 5);
    let (_, body) = call(
        "GET",
        &url("?stale_minutes=0"),
        &[("authorization", &viewer)],
        None,
    );
    let agents: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(agents[0]["health"], "agent unhealthy");
}

/// Fastest compression: the bomb's size on the wire does not matter, building it does.
fn gzip_fast(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}
