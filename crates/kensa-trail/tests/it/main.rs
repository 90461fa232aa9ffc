//! Integration tests of kensa-trail (one test binary, one module per topic).

mod ec2_oracle;
mod ec2_rules;
