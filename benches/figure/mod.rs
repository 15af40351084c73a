//! One line per headline figure, in a form `benches/summary` reads back:
//! `figure: NAME<TAB>VALUE<TAB>OP<TAB>TARGET`, OP being `>=` or `<=`.

/// Prints a figure beside the target it is held to.
pub fn figure(name: &str, value: f64, op: &str, target: f64) {
    println!("figure: {name}\t{value:.3}\t{op}\t{target}");
}
