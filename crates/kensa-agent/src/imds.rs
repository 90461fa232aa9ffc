//! EC2 instance identity from IMDSv2 (token first, then two metadata reads), only when
//! the operator allows it (`--imds auto`): a short timeout, and nothing else is asked.
use std::time::Duration;

/// The link-local metadata endpoint.
pub const DEFAULT_ENDPOINT: &str = "http://169.254.169.254";
const TIMEOUT: Duration = Duration::from_secs(2);

/// (instance id, region), or why not.
pub fn instance_identity(endpoint: &str) -> Result<(String, String), String> {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .max_redirects(0)
        .build();
    let agent: ureq::Agent = config.into();
    let token = agent
        .put(&format!("{endpoint}/latest/api/token"))
        .header("X-aws-ec2-metadata-token-ttl-seconds", "60")
        .send_empty()
        .and_then(|mut r| r.body_mut().read_to_string())
        .map_err(|e| format!("IMDSv2 token: {e}"))?;
    let get = |path: &str| {
        agent
            .get(&format!("{endpoint}/latest/meta-data/{path}"))
            .header("X-aws-ec2-metadata-token", token.trim())
            .call()
            .and_then(|mut r| r.body_mut().with_config().limit(1024).read_to_string())
            .map(|s| s.trim().to_string())
            .map_err(|e| format!("IMDS {path}: {e}"))
    };
    Ok((get("instance-id")?, get("placement/region")?))
}
