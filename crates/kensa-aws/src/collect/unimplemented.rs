//! Calls the endpoint does not implement are not retried.
//!
//! An AWS endpoint that fails transiently answers HTTP 500 with an AWS error document
//! (`<Code>InternalError</Code>`, `{"__type": ...}`); the SDK retries those, and so do
//! we. An endpoint that does not implement a call (moto, LocalStack, a partition without
//! the API) answers HTTP 500 with a page and no AWS error at all: retrying cannot help,
//! and under the run's retry policy (10 attempts, backoff up to 20 s) each such call
//! would hold a permit for about a minute before it becomes the same warning. This
//! classifier forbids the retry for exactly that answer, on the collector's clients.
use aws_config::SdkConfig;
use aws_sdk_ec2::config::interceptors::InterceptorContext;
use aws_sdk_ec2::config::retry::{ClassifyRetry, RetryAction};

/// Forbids retrying an HTTP 500 whose body carries no AWS error code.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NoRetryWithoutAwsError;

/// Markers of an AWS error document in the query/XML and JSON protocols.
const AWS_ERROR_MARKERS: &[&[u8]] = &[b"<Code>", b"__type", b"\"code\"", b"\"Code\""];

impl NoRetryWithoutAwsError {
    /// True for an HTTP 500 answer without any AWS error code in its (buffered) body.
    pub(crate) fn is_unimplemented(status: u16, body: &[u8]) -> bool {
        status == 500
            && !AWS_ERROR_MARKERS
                .iter()
                .any(|m| body.windows(m.len()).any(|w| w == *m))
    }
}

impl ClassifyRetry for NoRetryWithoutAwsError {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(response) = ctx.response() else {
            return RetryAction::NoActionIndicated;
        };
        // A body that is not buffered (streaming) is not judged: the SDK's own rules apply.
        let Some(body) = response.body().bytes() else {
            return RetryAction::NoActionIndicated;
        };
        if Self::is_unimplemented(response.status().as_u16(), body) {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "kensa: no retry of an HTTP 500 without an AWS error"
    }
}

/// The collector's EC2 client.
pub(crate) fn ec2(config: &SdkConfig) -> aws_sdk_ec2::Client {
    let conf = aws_sdk_ec2::config::Builder::from(config).retry_classifier(NoRetryWithoutAwsError);
    aws_sdk_ec2::Client::from_conf(conf.build())
}

/// The collector's Direct Connect client.
pub(crate) fn direct_connect(config: &SdkConfig) -> aws_sdk_directconnect::Client {
    let conf = aws_sdk_directconnect::config::Builder::from(config)
        .retry_classifier(NoRetryWithoutAwsError);
    aws_sdk_directconnect::Client::from_conf(conf.build())
}

/// The collector's ELBv2 client.
pub(crate) fn elbv2(config: &SdkConfig) -> aws_sdk_elasticloadbalancingv2::Client {
    let conf = aws_sdk_elasticloadbalancingv2::config::Builder::from(config)
        .retry_classifier(NoRetryWithoutAwsError);
    aws_sdk_elasticloadbalancingv2::Client::from_conf(conf.build())
}

/// The collector's classic ELB client.
pub(crate) fn classic_elb(config: &SdkConfig) -> aws_sdk_elasticloadbalancing::Client {
    let conf = aws_sdk_elasticloadbalancing::config::Builder::from(config)
        .retry_classifier(NoRetryWithoutAwsError);
    aws_sdk_elasticloadbalancing::Client::from_conf(conf.build())
}

#[cfg(test)]
mod tests {
    use super::NoRetryWithoutAwsError as C;

    #[test]
    fn an_html_500_is_unimplemented_an_aws_500_is_not() {
        let html = b"<!doctype html><title>500 Internal Server Error</title>";
        assert!(C::is_unimplemented(500, html));
        assert!(C::is_unimplemented(500, b""));
        let xml =
            b"<Response><Errors><Error><Code>InternalError</Code></Error></Errors></Response>";
        assert!(!C::is_unimplemented(500, xml));
        assert!(!C::is_unimplemented(
            500,
            br#"{"__type":"InternalFailure"}"#
        ));
        assert!(
            !C::is_unimplemented(503, html),
            "503 stays the SDK's to retry"
        );
    }
}
