//! The rule language: operators, transformers, macros, lists, exceptions, overrides, and
//! the cloudtrail plugin's field semantics.

use kensa_trail::{load_rule_sources, Engine, Level, RuleSource};

use crate::common::run;

fn rules(text: &str) -> Engine {
    let (set, diags) = load_rule_sources(&[RuleSource {
        name: "t.yaml".into(),
        text: text.into(),
    }]);
    let errors: Vec<_> = diags.iter().filter(|d| d.level == Level::Error).collect();
    assert!(errors.is_empty(), "{errors:?}");
    Engine::new(set)
}

fn rule(cond: &str, output: &str) -> String {
    format!(
        "- rule: T\n  desc: d\n  condition: {}\n  output: {}\n  priority: INFO\n  source: aws_cloudtrail\n",
        serde_json::to_string(cond).unwrap(),
        serde_json::to_string(output).unwrap()
    )
}

const EVENT: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROA1:bob","arn":"arn:aws:sts::123456789012:assumed-role/Admin/bob","accountId":"123456789012","sessionContext":{"sessionIssuer":{"type":"Role","userName":"Admin"}}},"eventTime":"2023-07-10T12:00:05Z","eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.13.0","requestParameters":{"groupId":"sg-1","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"},{"cidrIp":"0.0.0.0/0"}]}}]},"userData":"aGVsbG8gd29ybGQ=","path":"/etc/ssh/sshd_config"},"responseElements":{"_return":true},"eventID":"e1","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","resources":[{"ARN":"arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1","accountId":"123456789012","type":"AWS::EC2::SecurityGroup"}]}"#;

/// Whether `cond` holds for EVENT.
fn holds(cond: &str) -> bool {
    let e = rules(&rule(cond, "x"));
    let out = run(&e, EVENT.as_bytes(), "t");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    !out.alerts.is_empty()
}

fn render(output: &str) -> String {
    let e = rules(&rule("ct.id exists", output));
    run(&e, EVENT.as_bytes(), "t").alerts.remove(0).output
}

#[test]
fn operators() {
    for (cond, want) in [
        ("ct.name = AuthorizeSecurityGroupIngress", true),
        ("ct.name == \"AuthorizeSecurityGroupIngress\"", true),
        ("ct.name=AuthorizeSecurityGroupIngress", true),
        ("ct.name != AuthorizeSecurityGroupIngress", false),
        ("ct.region contains west", true),
        ("ct.region icontains WEST", true),
        ("ct.region startswith eu-", true),
        ("ct.region istartswith EU-", true),
        ("ct.region endswith -1", true),
        ("ct.region glob \"eu-*-?\"", true),
        ("ct.region glob \"us-*\"", false),
        ("ct.region iglob \"EU-[wx]*\"", true),
        ("ct.region regex \"eu-(west|north)-[0-9]\"", true),
        ("ct.region regex \"west\"", false),
        ("ct.region in (us-east-1, eu-west-1)", true),
        ("ct.region in (us-east-1)", false),
        ("ct.region intersects (eu-west-1)", true),
        ("ct.region bcontains 776573740a", false),
        ("ct.region bcontains 776573", true),
        ("ct.region bstartswith 6575", true),
        ("json.value[/requestParameters/path] pmatch (/etc/ssh, /usr)", true),
        ("json.value[/requestParameters/path] pmatch (/etc/ss)", false),
        ("ct.error exists", false),
        ("not ct.error exists", true),
        ("ct.error = AccessDenied", false),
        ("ct.error != AccessDenied", false),
        ("json.value[/requestParameters/ipPermissions/items/0/fromPort] < 23", true),
        ("json.value[/requestParameters/ipPermissions/items/0/fromPort] >= 23", false),
        ("json.value[/requestParameters/ipPermissions/items/0/fromPort] <= 22", true),
        ("json.value[/requestParameters/ipPermissions/items/0/toPort] > 21", true),
        ("json.value[/responseElements/_return] = true", true),
        ("evt.num > 0", true),
        ("evt.num = 0", false),
        ("ct.name = X or (ct.region = eu-west-1 and not ct.name = Y)", true),
        ("ct.name = X or ct.name = Y", false),
        ("not not ct.id exists", true),
        ("json.values[/requestParameters/ipPermissions/items/*/ipRanges/items/*/cidrIp] intersects (0.0.0.0/0, ::/0)", true),
        ("json.values[/requestParameters/ipPermissions/items/*/ipRanges/items/*/cidrIp] in (0.0.0.0/0, ::/0)", false),
        ("json.values[/requestParameters/ipPermissions/items/*/ipRanges/items/*/cidrIp] = 10.0.0.0/8", true),
        ("json.values[/requestParameters/nothing/*] exists", false),
        ("ct.user = val(ct.user)", true),
        ("ct.region = val(ct.name)", false),
    ] {
        assert_eq!(holds(cond), want, "{cond}");
    }
}

#[test]
fn transformers() {
    for (cond, want) in [
        ("tolower(ct.user) = admin", true),
        ("toupper(ct.region) = EU-WEST-1", true),
        ("b64(json.value[/requestParameters/userData]) = \"hello world\"", true),
        ("b64(json.value[/requestParameters/userData]) contains hello", true),
        ("basename(json.value[/requestParameters/path]) = sshd_config", true),
        ("len(ct.region) = 9", true),
        ("len(ct.region) > 20", false),
        ("len(json.values[/requestParameters/ipPermissions/items/0/ipRanges/items/*/cidrIp]) = 2", true),
        ("toupper(tolower(ct.user)) = ADMIN", true),
    ] {
        assert_eq!(holds(cond), want, "{cond}");
    }
}

#[test]
fn plugin_field_semantics() {
    let out = render("%ct.user|%ct.user.identitytype|%ct.user.accountid|%ct.shortsrc|%ct.readonly|%ct.managementevent|%ct.originaluser|%evt.time.iso8601|%evt.time|%ct.resources");
    assert_eq!(
        out,
        "Admin|AssumedRole|123456789012|ec2|false|true|bob|2023-07-10T12:00:05.000000000Z|12:00:05.000000000|{\"ARN\":\"arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1\",\"accountId\":\"123456789012\",\"type\":\"AWS::EC2::SecurityGroup\"}"
    );
    assert_eq!(render("%ct.response"), "{\"_return\":true}");
    assert_eq!(
        render("%ct.info"),
        "Admin via 198.51.100.7 → AuthorizeSecurityGroupIngress"
    );
    assert_eq!(
        render("%s3.bucket %s3.uri %s3.bytes %ct.errormessage %ec2.name"),
        "<NA> <NA> <NA> <NA> <NA>"
    );
    assert_eq!(
        render("%json.value[/requestParameters/ipPermissions/items/0/ipRanges/items/1/cidrIp]"),
        "0.0.0.0/0"
    );
}

fn user_of(identity: &str) -> String {
    let ev = format!(r#"{{"eventName":"X","eventID":"1","userIdentity":{identity}}}"#);
    let e = rules(&rule("ct.id exists", "%ct.user"));
    run(&e, ev.as_bytes(), "t").alerts.remove(0).output
}

#[test]
fn ct_user_follows_the_plugin() {
    assert_eq!(user_of(r#"{"type":"IAMUser","userName":"alice"}"#), "alice");
    assert_eq!(
        user_of(r#"{"type":"Root","userName":"root-name"}"#),
        "root-name"
    );
    assert_eq!(user_of(r#"{"type":"Root"}"#), "<NA>");
    assert_eq!(
        user_of(r#"{"type":"AWSService","invokedBy":"ec2.amazonaws.com"}"#),
        "ec2.amazonaws.com"
    );
    assert_eq!(
        user_of(r#"{"type":"AssumedRole","sessionContext":{}}"#),
        "AssumedRole"
    );
    assert_eq!(
        user_of(r#"{"type":"AWSAccount","accountId":"1"}"#),
        "AWSAccount"
    );
    assert_eq!(user_of(r#"{"type":"FederatedUser"}"#), "FederatedUser");
    assert_eq!(user_of(r#"{"type":"Martian"}"#), "<NA>");
}

#[test]
fn readonly_heuristic_when_absent() {
    let e = rules(&rule("ct.id exists", "%ct.readonly"));
    let ro = |name: &str| {
        let ev = format!(r#"{{"eventName":"{name}","eventID":"1"}}"#);
        run(&e, ev.as_bytes(), "t").alerts.remove(0).output
    };
    assert_eq!(ro("DescribeInstances"), "true");
    assert_eq!(ro("RunInstances"), "false");
    assert_eq!(ro("ModifySnapshotAttribute"), "false");
}

#[test]
fn s3_fields() {
    let ev = r#"{"eventName":"GetObject","eventID":"1","eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"b","key":"k/x.txt"},"additionalEventData":{"bytesTransferredIn":0,"bytesTransferredOut":33.0}}"#;
    let e = rules(&rule(
        "s3.cnt.get = 1 and s3.bytes > 30",
        "%s3.uri %s3.bytes %s3.bytes.in %s3.bytes.out %s3.cnt.put %s3.cnt.other",
    ));
    let out = run(&e, ev.as_bytes(), "t");
    assert_eq!(out.alerts[0].output, "s3://b/k/x.txt 33 0 33 <NA> <NA>");
}

#[test]
fn macros_lists_and_exceptions() {
    let text = r#"
- list: admin_ports
  items: [22, 3389]
- list: more_ports
  items: [admin_ports, 5432]
- macro: sg_change
  condition: ct.name in (AuthorizeSecurityGroupIngress, AuthorizeSecurityGroupEgress)
- macro: open_world
  condition: json.values[/requestParameters/ipPermissions/items/*/ipRanges/items/*/cidrIp] intersects ("0.0.0.0/0")
- rule: Open Admin Port
  desc: d
  condition: sg_change and open_world and json.value[/requestParameters/ipPermissions/items/0/fromPort] in (more_ports)
  output: "open %json.value[/requestParameters/groupId]"
  priority: CRITICAL
  source: aws_cloudtrail
  exceptions:
    - name: trusted_groups
      fields:
        - json.value[/requestParameters/groupId]
        - ct.region
      comps: [=, in]
      values:
        - [sg-trusted, [eu-west-1, us-east-1]]
    - name: bastion_users
      fields: ct.user
      values: [bastion-admin]
"#;
    let e = rules(text);
    assert_eq!(
        e.rules().rules()[0].event_names.as_deref(),
        Some(
            &[
                "AuthorizeSecurityGroupEgress".to_string(),
                "AuthorizeSecurityGroupIngress".to_string()
            ][..]
        )
    );
    let out = run(&e, EVENT.as_bytes(), "t");
    assert_eq!(out.alerts.len(), 1);
    assert_eq!(out.alerts[0].output, "open sg-1");
    let trusted = EVENT.replace("\"sg-1\"", "\"sg-trusted\"");
    assert_eq!(run(&e, trusted.as_bytes(), "t").alerts.len(), 0);
    let bastion = EVENT.replace("\"userName\":\"Admin\"", "\"userName\":\"bastion-admin\"");
    assert_eq!(run(&e, bastion.as_bytes(), "t").alerts.len(), 0);
}

#[test]
fn overrides_and_appends() {
    let base = r#"
- list: regions
  items: [eu-west-1]
- macro: m
  condition: ct.region in (regions)
- rule: R
  desc: d
  condition: ct.name = AuthorizeSecurityGroupIngress and m
  output: first
  priority: INFO
  source: aws_cloudtrail
"#;
    let count = |extra: &str| {
        let (set, diags) = load_rule_sources(&[
            RuleSource {
                name: "a.yaml".into(),
                text: base.into(),
            },
            RuleSource {
                name: "b.yaml".into(),
                text: extra.into(),
            },
        ]);
        assert!(diags.iter().all(|d| d.level != Level::Error), "{diags:?}");
        let e = Engine::new(set);
        run(&e, EVENT.as_bytes(), "t")
            .alerts
            .into_iter()
            .map(|a| a.output)
            .collect::<Vec<_>>()
    };
    assert_eq!(count(""), ["first"]);
    assert!(count("- list: regions\n  items: [us-east-1]\n").is_empty());
    assert_eq!(
        count("- list: regions\n  items: [us-east-1]\n  append: true\n"),
        ["first"]
    );
    assert_eq!(
        count("- list: regions\n  items: [us-east-1]\n  override:\n    items: append\n"),
        ["first"]
    );
    assert!(count("- macro: m\n  condition: and ct.region = nowhere\n  append: true\n").is_empty());
    assert!(count("- rule: R\n  condition: and ct.user = nobody\n  append: true\n").is_empty());
    assert!(
        count("- rule: R\n  condition: ct.name = Nope\n  override:\n    condition: replace\n")
            .is_empty()
    );
    assert_eq!(
        count("- rule: R\n  output: second %ct.region\n  override:\n    output: replace\n"),
        ["second eu-west-1"]
    );
    assert!(count("- rule: R\n  enabled: false\n").is_empty());
    assert!(count("- rule: R\n  enabled: false\n  override:\n    enabled: replace\n").is_empty());
    assert!(count("- rule: R\n  exceptions:\n    - name: e\n      fields: ct.region\n      values: [eu-west-1]\n  override:\n    exceptions: append\n").is_empty());
}

#[test]
fn loader_diagnostics_have_lines_and_items() {
    let text = "- required_engine_version: 10\n- rule: Other\n  desc: d\n  condition: proc.name = sh\n  output: x\n  priority: INFO\n- macro: unused\n  condition: ct.id exists\n- rule: R\n  condition: ct.id exists\n  append: true\n- rule: K\n  desc: d\n  condition: ct.id exists\n  output: x\n  priority: INFO\n  source: aws_cloudtrail\n  colour: red\n- something: else\n";
    let (set, diags) = load_rule_sources(&[RuleSource {
        name: "d.yaml".into(),
        text: text.into(),
    }]);
    let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        shown,
        [
            "d.yaml:2: warning: rule 'Other': rule skipped: source 'syscall' is not handled by kensa (only aws_cloudtrail)",
            "d.yaml:7: warning: macro 'unused': macro is not used by any rule",
            "d.yaml:9: error: rule 'R': changes a rule (append/override/enabled) that is not defined earlier",
            "d.yaml:12: warning: rule 'K': unknown key 'colour', ignored",
            "d.yaml:19: warning: unknown item with keys [something], ignored",
        ]
    );
    assert_eq!(set.rules().len(), 1);
}

#[test]
fn condition_errors_name_what_is_wrong() {
    for (cond, msg) in [
        ("ct.name = ", "expected a value"),
        ("ct.name = a)", "unexpected ')'"),
        ("(ct.name = a", "expected ')'"),
        ("ct.name in (a, b", "expected ',' or ')'"),
        ("ct.name bogus a", "expected an operator after 'ct.name'"),
        ("json.value = a", "needs an argument"),
        ("json.value[nope] = a", "must start with '/'"),
        ("ct.name[/x] = a", "takes no argument"),
        ("evt.num = abc", "not a number"),
        ("evt.num contains 1", "does not apply to numeric"),
        ("ct.name regex \"(\"", "bad regex"),
        ("ct.name = \"open", "unterminated string"),
        (
            "frobnicate(ct.name) = a",
            "unknown transformer 'frobnicate'",
        ),
        ("m1", "refers to itself"),
    ] {
        let text = format!(
            "- macro: m1\n  condition: m2\n- macro: m2\n  condition: m1\n{}",
            rule(cond, "x")
        );
        let (_, diags) = load_rule_sources(&[RuleSource {
            name: "c.yaml".into(),
            text,
        }]);
        let err = diags
            .iter()
            .find(|d| d.level == Level::Error)
            .unwrap_or_else(|| panic!("no error for {cond}"));
        assert!(err.message.contains(msg), "{cond}: {}", err.message);
        assert_eq!(err.line, 7, "{cond}");
    }
}

/// kensa's `ec2.ingress.world_ports`: world-open ranges, compared as numbers.
#[test]
fn world_ports_compare_numerically() {
    for (cond, want) in [
        ("ec2.ingress.world_ports exists", true),
        ("ec2.ingress.world_ports intersects (21, 22)", true),
        ("ec2.ingress.world_ports intersects (23, 3389)", false),
        ("ec2.ingress.world_ports in (22, 23)", true),
        ("ec2.ingress.world_ports in (23)", false),
        ("ec2.ingress.world_ports = 22", true),
        ("len(ec2.ingress.world_ports) = 1", true),
    ] {
        assert_eq!(holds(cond), want, "{cond}");
    }
    assert_eq!(render("%ec2.ingress.world_ports"), "(22)");
}
