//! A generator of realistic CloudTrail event mixes for benchmarks: many services and event
//! names, mostly read-only calls, some changes that rules look for, records of ~1.2 KB,
//! deterministic for a seed. Written as one delivery file (`{"Records":[...]}`), streamed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn hex(&mut self, len: usize) -> String {
        let mut s = String::with_capacity(len);
        while s.len() < len {
            let _ = write!(s, "{:016x}", self.next());
        }
        s.truncate(len);
        s
    }
}

/// How a request looks.
#[derive(Clone, Copy)]
enum Shape {
    Ec2Filter,
    Ec2Instances,
    S3Bucket,
    AssumeRole,
    Kms,
    Empty,
    RunInstances,
    Ingress,
    Tags,
    Login,
    Named,
}

/// (event source, event name, weight per 10,000, read-only, request shape).
const CATALOG: &[(&str, &str, u32, bool, Shape)] = &[
    ("ec2", "DescribeInstances", 350, true, Shape::Ec2Instances),
    ("ec2", "DescribeSecurityGroups", 400, true, Shape::Ec2Filter),
    ("ec2", "DescribeVolumes", 300, true, Shape::Ec2Filter),
    ("ec2", "DescribeSnapshots", 200, true, Shape::Ec2Filter),
    ("ec2", "DescribeImages", 200, true, Shape::Ec2Filter),
    ("ec2", "DescribeSubnets", 300, true, Shape::Ec2Filter),
    ("ec2", "DescribeVpcs", 300, true, Shape::Ec2Filter),
    (
        "ec2",
        "DescribeNetworkInterfaces",
        300,
        true,
        Shape::Ec2Filter,
    ),
    ("ec2", "DescribeAddresses", 100, true, Shape::Ec2Filter),
    ("ec2", "DescribeRouteTables", 200, true, Shape::Ec2Filter),
    (
        "ec2",
        "DescribeInstanceStatus",
        300,
        true,
        Shape::Ec2Instances,
    ),
    ("ec2", "DescribeTags", 200, true, Shape::Ec2Filter),
    ("s3", "GetBucketAcl", 400, true, Shape::S3Bucket),
    ("s3", "GetBucketPolicy", 300, true, Shape::S3Bucket),
    ("s3", "GetBucketLocation", 400, true, Shape::S3Bucket),
    ("s3", "GetBucketVersioning", 200, true, Shape::S3Bucket),
    ("s3", "ListBuckets", 150, true, Shape::Empty),
    ("sts", "AssumeRole", 900, true, Shape::AssumeRole),
    ("sts", "GetCallerIdentity", 600, true, Shape::Empty),
    ("iam", "GetUser", 200, true, Shape::Named),
    ("iam", "ListRoles", 200, true, Shape::Empty),
    ("iam", "ListPolicies", 100, true, Shape::Empty),
    ("iam", "GetRole", 200, true, Shape::Named),
    ("kms", "Decrypt", 900, true, Shape::Kms),
    ("kms", "GenerateDataKey", 500, true, Shape::Kms),
    ("ssm", "GetParameter", 400, true, Shape::Named),
    ("ssm", "DescribeParameters", 100, true, Shape::Empty),
    ("lambda", "ListFunctions20150331", 200, true, Shape::Empty),
    ("monitoring", "GetMetricData", 400, true, Shape::Empty),
    ("monitoring", "DescribeAlarms", 200, true, Shape::Empty),
    ("ecs", "DescribeTasks", 300, true, Shape::Named),
    ("ecs", "DescribeServices", 200, true, Shape::Named),
    ("rds", "DescribeDBInstances", 200, true, Shape::Empty),
    ("cloudtrail", "LookupEvents", 50, true, Shape::Empty),
    ("cloudtrail", "DescribeTrails", 50, true, Shape::Empty),
    ("logs", "DescribeLogGroups", 200, true, Shape::Empty),
    ("logs", "CreateLogStream", 250, false, Shape::Named),
    ("ec2", "CreateTags", 150, false, Shape::Tags),
    ("ec2", "CreateNetworkInterface", 60, false, Shape::Ec2Filter),
    ("ec2", "DeleteNetworkInterface", 60, false, Shape::Ec2Filter),
    ("ec2", "RunInstances", 40, false, Shape::RunInstances),
    ("ec2", "TerminateInstances", 30, false, Shape::Ec2Instances),
    ("ec2", "StartInstances", 30, false, Shape::Ec2Instances),
    ("ec2", "StopInstances", 30, false, Shape::Ec2Instances),
    (
        "ec2",
        "AuthorizeSecurityGroupIngress",
        20,
        false,
        Shape::Ingress,
    ),
    (
        "ec2",
        "RevokeSecurityGroupIngress",
        15,
        false,
        Shape::Ingress,
    ),
    ("ec2", "CreateSnapshot", 15, false, Shape::Ec2Filter),
    (
        "ec2",
        "ModifyInstanceAttribute",
        10,
        false,
        Shape::Ec2Instances,
    ),
    ("ec2", "AllocateAddress", 5, false, Shape::Empty),
    ("signin", "ConsoleLogin", 20, false, Shape::Login),
    ("iam", "CreateUser", 3, false, Shape::Named),
    ("iam", "CreateGroup", 2, false, Shape::Named),
    ("s3", "PutBucketPolicy", 5, false, Shape::S3Bucket),
    ("s3", "PutBucketAcl", 5, false, Shape::S3Bucket),
    (
        "lambda",
        "UpdateFunctionCode20150331v2",
        5,
        false,
        Shape::Named,
    ),
    ("lambda", "CreateFunction20150331", 2, false, Shape::Named),
    ("cloudtrail", "StopLogging", 1, false, Shape::Named),
];

const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-1",
    "us-east-1",
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-northeast-1",
];
const AGENTS: &[&str] = &[
    "aws-sdk-go/1.44.298 (go1.20.5; linux; amd64) exec-env/AWS_ECS_FARGATE",
    "aws-cli/2.13.0 Python/3.11.4 Linux/5.10.184-175.731.amzn2.x86_64 exe/x86_64.amzn.2 prompt/off command/ec2.describe-instances",
    "Boto3/1.28.3 md/Botocore#1.31.3 ua/2.0 os/linux#5.15.0 md/arch#x86_64 lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.31.3",
    "console.amazonaws.com",
    "aws-sdk-java/1.12.500 Linux/5.10.184 OpenJDK_64-Bit_Server_VM/17.0.7+7-LTS java/17.0.7 vendor/Amazon.com_Inc. exec-env/AWS_Lambda_java17",
    "Terraform/1.5.2 (+https://www.terraform.io) terraform-provider-aws/5.7.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.298",
];
const ACCOUNT: &str = "111122223333";

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SynthSummary {
    /// Records written.
    pub events: u64,
    /// Bytes written (uncompressed JSON).
    pub bytes: u64,
    /// Records written per `eventName`, to check the mix.
    pub by_name: BTreeMap<String, u64>,
}

/// Writes `events` records as one CloudTrail delivery file.
pub fn write_trail(events: u64, seed: u64, out: &mut dyn Write) -> io::Result<SynthSummary> {
    let mut rng = Rng(seed);
    let total: u32 = CATALOG.iter().map(|c| c.2).sum();
    let mut summary = SynthSummary::default();
    let mut rec = String::with_capacity(4096);
    out.write_all(b"{\"Records\":[")?;
    summary.bytes += 12;
    let start = 1_704_067_200_000_000_000i64; // 2024-01-01T00:00:00Z
    for i in 0..events {
        let mut w = rng.below(u64::from(total)) as u32;
        let entry = CATALOG.iter().find(|c| {
            if w < c.2 {
                true
            } else {
                w -= c.2;
                false
            }
        });
        let entry = entry.unwrap_or(&CATALOG[0]);
        rec.clear();
        if i > 0 {
            rec.push(',');
        }
        record(&mut rng, entry, start + i as i64 * 7_000_000, &mut rec);
        out.write_all(rec.as_bytes())?;
        summary.events += 1;
        summary.bytes += rec.len() as u64;
        *summary.by_name.entry(entry.1.to_string()).or_default() += 1;
    }
    out.write_all(b"]}\n")?;
    summary.bytes += 3;
    Ok(summary)
}

fn identity(rng: &mut Rng, s: &mut String) {
    let n = rng.below(20);
    match n {
        0..=5 => {
            let user = ["alice", "bob", "ci-deploy", "carol", "terraform", "backup"][n as usize];
            let _ = write!(
                s,
                r#"{{"type":"IAMUser","principalId":"AIDA{}","arn":"arn:aws:iam::{ACCOUNT}:user/{user}","accountId":"{ACCOUNT}","accessKeyId":"AKIA{}","userName":"{user}"}}"#,
                rng.hex(16).to_uppercase(),
                rng.hex(16).to_uppercase()
            );
        }
        6..=17 => {
            let role = [
                "AppServerRole",
                "EcsTaskRole",
                "LambdaExec",
                "Admin",
                "ReadOnly",
                "DataPipeline",
            ][(n % 6) as usize];
            let id = rng.hex(17).to_uppercase();
            let session = [
                "i-0a1b2c3d4e5f60718",
                "botocore-session-1688989356",
                "alice@example.com",
                "ecs-task",
            ][(n % 4) as usize];
            let _ = write!(
                s,
                r#"{{"type":"AssumedRole","principalId":"AROA{id}:{session}","arn":"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}","accountId":"{ACCOUNT}","accessKeyId":"ASIA{}","sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"AROA{id}","arn":"arn:aws:iam::{ACCOUNT}:role/{role}","accountId":"{ACCOUNT}","userName":"{role}"}},"webIdFederationData":{{}},"attributes":{{"creationDate":"2024-01-01T00:00:00Z","mfaAuthenticated":"false"}},"ec2RoleDelivery":"2.0"}}}}"#,
                rng.hex(16).to_uppercase()
            );
        }
        _ => {
            let svc = ["autoscaling.amazonaws.com", "ecs.amazonaws.com"][(n % 2) as usize];
            let _ = write!(s, r#"{{"type":"AWSService","invokedBy":"{svc}"}}"#);
        }
    }
}

fn request(rng: &mut Rng, shape: Shape, s: &mut String) {
    let id = |rng: &mut Rng, p: &str| format!("{p}-0{}", rng.hex(16));
    let _ = match shape {
        Shape::Empty => write!(s, "null"),
        Shape::Ec2Filter => write!(
            s,
            r#"{{"maxResults":1000,"filterSet":{{"items":[{{"name":"vpc-id","valueSet":{{"items":[{{"value":"{}"}}]}}}},{{"name":"tag:Environment","valueSet":{{"items":[{{"value":"production"}}]}}}}]}}}}"#,
            id(rng, "vpc")
        ),
        Shape::Ec2Instances => write!(
            s,
            r#"{{"instancesSet":{{"items":[{{"instanceId":"{}"}},{{"instanceId":"{}"}}]}},"filterSet":{{}},"includeAllInstances":false}}"#,
            id(rng, "i"),
            id(rng, "i")
        ),
        Shape::S3Bucket => {
            let b =
                ["prod-assets", "logs-archive", "data-lake-raw", "backups"][rng.below(4) as usize];
            write!(
                s,
                r#"{{"bucketName":"{b}-{ACCOUNT}","Host":"{b}-{ACCOUNT}.s3.us-east-1.amazonaws.com","acl":""}}"#
            )
        }
        Shape::AssumeRole => write!(
            s,
            r#"{{"roleArn":"arn:aws:iam::{ACCOUNT}:role/DataPipeline","roleSessionName":"session-{}","durationSeconds":3600}}"#,
            rng.hex(12)
        ),
        Shape::Kms => write!(
            s,
            r#"{{"encryptionAlgorithm":"SYMMETRIC_DEFAULT","encryptionContext":{{"aws:lambda:FunctionArn":"arn:aws:lambda:us-east-1:{ACCOUNT}:function:processor-{}"}}}}"#,
            rng.hex(6)
        ),
        Shape::Named => write!(
            s,
            r#"{{"name":"app/config/{}","userName":"svc-{}","withDecryption":true}}"#,
            rng.hex(8),
            rng.hex(4)
        ),
        Shape::Tags => write!(
            s,
            r#"{{"resourcesSet":{{"items":[{{"resourceId":"{}"}}]}},"tagSet":{{"items":[{{"key":"Owner","value":"team-{}"}}]}}}}"#,
            id(rng, "i"),
            rng.hex(4)
        ),
        Shape::RunInstances => write!(
            s,
            r#"{{"instancesSet":{{"items":[{{"imageId":"ami-0{}","minCount":1,"maxCount":1}}]}},"instanceType":"m5.large","blockDeviceMapping":{{}},"availabilityZone":"us-east-1a","monitoring":{{"enabled":false}},"subnetId":"{}","disableApiTermination":false,"tagSpecificationSet":{{"items":[{{"resourceType":"instance","tags":[{{"key":"Name","value":"worker-{}"}}]}}]}}}}"#,
            rng.hex(16),
            id(rng, "subnet"),
            rng.hex(4)
        ),
        Shape::Ingress => {
            let cidr = ["10.0.0.0/8", "0.0.0.0/0", "192.168.1.0/24"][rng.below(3) as usize];
            let port = [22, 443, 3389, 5432][rng.below(4) as usize];
            write!(
                s,
                r#"{{"groupId":"{}","ipPermissions":{{"items":[{{"ipProtocol":"tcp","fromPort":{port},"toPort":{port},"groups":{{}},"ipRanges":{{"items":[{{"cidrIp":"{cidr}"}}]}},"ipv6Ranges":{{}},"prefixListIds":{{}}}}]}}}}"#,
                id(rng, "sg")
            )
        }
        Shape::Login => write!(s, "null"),
    };
}

fn record(rng: &mut Rng, entry: &(&str, &str, u32, bool, Shape), ns: i64, s: &mut String) {
    let (svc, name, _, read_only, shape) = *entry;
    let region = *rng.pick(REGIONS);
    let time = crate::time::iso8601(ns);
    let time = format!("{}Z", &time[..19]);
    let at = s.len();
    s.push_str(r#"{"eventVersion":"1.08","userIdentity":"#);
    identity(rng, s);
    // An instance profile's calls come from its VPC (here through an endpoint, so a
    // private address), as they do in real trails; other callers from anywhere.
    let ip = if s[at..].contains("/i-0a1b2c3d4e5f60718\"") {
        format!("10.0.{}.{}", rng.below(256), 1 + rng.below(254))
    } else {
        format!(
            "{}.{}.{}.{}",
            3 + rng.below(200),
            rng.below(256),
            rng.below(256),
            1 + rng.below(254)
        )
    };
    let agent = *rng.pick(AGENTS);
    let _ = write!(
        s,
        r#","eventTime":"{time}","eventSource":"{svc}.amazonaws.com","eventName":"{name}","awsRegion":"{region}","sourceIPAddress":"{ip}","userAgent":"{agent}""#
    );
    if rng.below(100) < 3 {
        s.push_str(r#","errorCode":"AccessDenied","errorMessage":"User is not authorized to perform this operation because no identity-based policy allows the action""#);
    }
    s.push_str(r#","requestParameters":"#);
    request(rng, shape, s);
    if matches!(shape, Shape::Login) {
        let mfa = if rng.below(4) == 0 { "No" } else { "Yes" };
        let _ = write!(
            s,
            r#","responseElements":{{"ConsoleLogin":"Success"}},"additionalEventData":{{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAUsed":"{mfa}"}}"#
        );
    } else {
        s.push_str(r#","responseElements":null"#);
    }
    let u = rng.hex(32);
    let _ = write!(
        s,
        r#","requestID":"{}-{}-{}-{}-{}","eventID":"{}-{}-4{}-8{}-{}","readOnly":{read_only},"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"{ACCOUNT}","eventCategory":"Management","tlsDetails":{{"tlsVersion":"TLSv1.2","cipherSuite":"ECDHE-RSA-AES128-GCM-SHA256","clientProvidedHostHeader":"{svc}.{region}.amazonaws.com"}}}}"#,
        &u[..8],
        &u[8..12],
        &u[12..16],
        &u[16..20],
        &u[20..32],
        &rng.hex(8),
        &rng.hex(4),
        &rng.hex(3),
        &rng.hex(3),
        &rng.hex(12)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_valid_and_realistic() {
        let mut a = Vec::new();
        let sa = write_trail(2000, 7, &mut a).unwrap();
        let mut b = Vec::new();
        write_trail(2000, 7, &mut b).unwrap();
        assert_eq!(a, b);
        assert_eq!(sa.bytes, a.len() as u64);
        let doc: serde_json::Value = serde_json::from_slice(&a).unwrap();
        let recs = doc["Records"].as_array().unwrap();
        assert_eq!(recs.len(), 2000);
        let avg = a.len() / 2000;
        assert!((900..1600).contains(&avg), "average record size {avg}");
        let read_only = recs.iter().filter(|r| r["readOnly"] == true).count();
        assert!(read_only > 1700, "{read_only}");
        assert!(sa.by_name.len() > 40);
    }
}
