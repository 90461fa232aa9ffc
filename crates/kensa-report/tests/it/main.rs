//! kensa-report integration tests.
mod assessment;
mod assessment_input;
mod pdf_text;
