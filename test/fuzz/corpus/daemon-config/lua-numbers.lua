a = 0x
b = 1e999
c = -
d = 0xFFFFFFFFFFFFFFFFFFFF
e = .5e-
