# The enabled rules of Falco's aws_cloudtrail_rules.yaml as a jq filter, for comparing
# kensa's throughput with jq on the same file:
#   jq -r -f falco_rules.jq FILE | sort | uniq -c
.Records[] | select(.errorCode == null) |
(.eventName) as $n | (.userIdentity.type) as $t | (.eventSource) as $src |
(.responseElements.ConsoleLogin? // null) as $login | (.additionalEventData.MFAUsed? // null) as $mfa |
( if $n == "ConsoleLogin" and $t == "AssumedRole" and $login == "Success" then "Console Login Through Assume Role" else empty end,
  if $n == "ConsoleLogin" and $t != "AssumedRole" and $login == "Success" and $mfa == "No" then "Console Login Without MFA" else empty end,
  if $n == "ConsoleLogin" and $t == "Root" and $login == "Success" and $mfa == "No" then "Console Root Login Without MFA" else empty end,
  if $n == "DeactivateMFADevice" and $t == "Root" and .requestParameters.userName == "AWS ROOT USER" then "Deactivate MFA for Root User" else empty end,
  if $n == "CreateUser" then "Create AWS user" else empty end,
  if $n == "CreateGroup" then "Create Group" else empty end,
  if $n == "DeleteGroup" then "Delete Group" else empty end,
  if $src == "ecs.amazonaws.com" and $n == "CreateService" then "ECS Service Created" else empty end,
  if $src == "ecs.amazonaws.com" and ($n == "RunTask" or $n == "StartTask") then "ECS Task Run or Started" else empty end,
  if $n == "CreateFunction20150331" then "Create Lambda Function" else empty end,
  if $n == "UpdateFunctionCode20150331v2" then "Update Lambda Function Code" else empty end,
  if $n == "UpdateFunctionConfiguration20150331v2" then "Update Lambda Function Configuration" else empty end,
  if $n == "RunInstances" then "Run Instances" else empty end,
  if $n == "RunInstances" and .awsRegion != "us-east-0" then "Run Instances in Non-approved Region" else empty end,
  if $n == "DeleteBucketEncryption" then "Delete Bucket Encryption" else empty end,
  if $n == "PutBucketPublicAccessBlock" and .requestParameters.publicAccessBlock == "" and
     ([.requestParameters.PublicAccessBlockConfiguration | .RestrictPublicBuckets, .BlockPublicPolicy, .BlockPublicAcls, .IgnorePublicAcls] | index(false) != null)
     then "Delete Bucket Public Access Block" else empty end,
  if $n == "PutBucketAcl" then "Put Bucket ACL" else empty end,
  if $n == "PutBucketPolicy" then "Put Bucket Policy" else empty end,
  if $n == "CreateTrail" then "CloudTrail Trail Created" else empty end,
  if $n == "StopLogging" then "CloudTrail Logging Disabled" else empty end )
