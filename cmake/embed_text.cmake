# cmake -DIN=file -DOUT=file.c -DSYMBOL=name -P embed_text.cmake
# Writes a C file defining `const char SYMBOL[]` (NUL-terminated) and
# `const unsigned long SYMBOL_len` holding the bytes of IN.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR n_bytes "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" body "${body}")
file(WRITE ${OUT} "/* Generated from ${IN} by cmake/embed_text.cmake. */\n"
                  "const char ${SYMBOL}[] = {\n${body}0x00};\n"
                  "const unsigned long ${SYMBOL}_len = ${n_bytes};\n")
