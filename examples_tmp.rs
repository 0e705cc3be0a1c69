fn main() {
    println!("{}", gazette::markdown::render("Text[^1].\n\n[^1]: The note.").html);
}
