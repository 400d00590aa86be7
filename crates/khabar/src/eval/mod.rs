//! Evaluation, scored the way the field scores it so figures stand next to
//! published ones.

pub mod digest;
pub mod ud;
