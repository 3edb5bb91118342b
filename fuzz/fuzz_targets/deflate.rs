#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pixsqueeze_fuzz::deflate(data));
