//! Word lists looked up by first character: the grammar asks "which of these
//! words stands here?" at every position, and most positions answer "none"
//! after one bit test.

/// A bit per character of the common CJK block and ASCII: is it the first
/// character of some word? Characters outside are looked up the slow way.
const BLOCK_START: u32 = 0x4E00;
const BLOCK_END: u32 = 0xA000;

/// The words that start with one character, with their tags.
type Words<T> = Vec<(Vec<char>, T)>;

pub struct Lexicon<T> {
    by_first: Vec<(char, Words<T>)>,
    first_bits: Vec<u64>,
    ascii_bits: u128,
}

impl<T: Copy> Lexicon<T> {
    pub fn new<'a>(entries: impl Iterator<Item = (&'a str, T)>) -> Self {
        let mut by_first: Vec<(char, Words<T>)> = Vec::new();
        for (word, tag) in entries {
            let chars: Vec<char> = word.chars().collect();
            let Some(&first) = chars.first() else { continue };
            match by_first.iter_mut().find(|(c, _)| *c == first) {
                Some((_, words)) => words.push((chars, tag)),
                None => by_first.push((first, vec![(chars, tag)])),
            }
        }
        by_first.sort_by_key(|(c, _)| *c);
        for (_, words) in &mut by_first {
            // Longest first, so the fullest name wins over a shorter one it starts with.
            words.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        let mut first_bits = vec![0u64; ((BLOCK_END - BLOCK_START) / 64) as usize];
        let mut ascii_bits = 0u128;
        for (c, _) in &by_first {
            let code = *c as u32;
            if (BLOCK_START..BLOCK_END).contains(&code) {
                let bit = code - BLOCK_START;
                first_bits[(bit / 64) as usize] |= 1 << (bit % 64);
            } else if code < 128 {
                ascii_bits |= 1 << code;
            }
        }
        Lexicon { by_first, first_bits, ascii_bits }
    }

    fn may_start(&self, c: char) -> bool {
        let code = c as u32;
        if (BLOCK_START..BLOCK_END).contains(&code) {
            let bit = code - BLOCK_START;
            self.first_bits[(bit / 64) as usize] & (1 << (bit % 64)) != 0
        } else if code < 128 {
            self.ascii_bits & (1 << code) != 0
        } else {
            true
        }
    }

    /// The words standing at `chars[i..]`, longest first, with their lengths.
    pub fn at<'s>(&'s self, chars: &'s [char], i: usize) -> impl Iterator<Item = (usize, T)> + 's {
        let words = chars
            .get(i)
            .filter(|c| self.may_start(**c))
            .and_then(|c| self.by_first.binary_search_by_key(c, |(first, _)| *first).ok())
            .map_or(&[][..], |k| &self.by_first[k].1[..]);
        // The first character is known to match; words are a few characters,
        // short enough that a plain loop beats a call to memcmp.
        words
            .iter()
            .filter(move |(w, _)| i + w.len() <= chars.len() && w[1..].iter().zip(&chars[i + 1..]).all(|(a, b)| a == b))
            .map(|(w, tag)| (w.len(), *tag))
    }
}
