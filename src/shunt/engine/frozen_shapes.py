"""The templates of engine/frozen.py for the shapes of shunt's frozen classes, compiled with this
module (its .pyc) rather than at each start. Made by `python tools/frozen_shapes.py`: do not edit
(tests/test_engine_frozen.py checks it is up to date)."""
# fmt: off
# flake8: noqa

SHAPES = {}

def __init__(self, a0, a1):
    _s0(self, a0)
    _s1(self, a1)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,) == (other.a0,other.a1,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,))
SHAPES[(False, False)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,) == (other.a0,other.a1,other.a2,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,))
SHAPES[(False, False, False)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    _s3(self, a3)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,) == (other.a0,other.a1,other.a2,other.a3,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,))
SHAPES[(False, False, False, False)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3, a4):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    _s3(self, a3)
    _s4(self, a4)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,self.a4,) == (other.a0,other.a1,other.a2,other.a3,other.a4,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,self.a4,))
SHAPES[(False, False, False, False, False)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3, a4):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    _s3(self, a3)
    if a4 is _FACTORY: a4 = _f4()
    _s4(self, a4)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,self.a4,) == (other.a0,other.a1,other.a2,other.a3,other.a4,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,self.a4,))
SHAPES[(False, False, False, False, True)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3, a4, a5):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    _s3(self, a3)
    _s4(self, a4)
    _s5(self, a5)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,) == (other.a0,other.a1,other.a2,other.a3,other.a4,other.a5,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,))
SHAPES[(False, False, False, False, False, False)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3, a4, a5, a6):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    _s3(self, a3)
    _s4(self, a4)
    _s5(self, a5)
    _s6(self, a6)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,) == (other.a0,other.a1,other.a2,other.a3,other.a4,other.a5,other.a6,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,))
SHAPES[(False, False, False, False, False, False, False)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3, a4, a5, a6):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    _s3(self, a3)
    _s4(self, a4)
    _s5(self, a5)
    if a6 is _FACTORY: a6 = _f6()
    _s6(self, a6)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,) == (other.a0,other.a1,other.a2,other.a3,other.a4,other.a5,other.a6,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,))
SHAPES[(False, False, False, False, False, False, True)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3, a4, a5, a6):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    if a3 is _FACTORY: a3 = _f3()
    _s3(self, a3)
    _s4(self, a4)
    _s5(self, a5)
    _s6(self, a6)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,) == (other.a0,other.a1,other.a2,other.a3,other.a4,other.a5,other.a6,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,))
SHAPES[(False, False, False, True, False, False, False)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3, a4, a5, a6, a7):
    _s0(self, a0)
    if a1 is _FACTORY: a1 = _f1()
    _s1(self, a1)
    if a2 is _FACTORY: a2 = _f2()
    _s2(self, a2)
    if a3 is _FACTORY: a3 = _f3()
    _s3(self, a3)
    _s4(self, a4)
    if a5 is _FACTORY: a5 = _f5()
    _s5(self, a5)
    if a6 is _FACTORY: a6 = _f6()
    _s6(self, a6)
    _s7(self, a7)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,) == (other.a0,other.a1,other.a2,other.a3,other.a4,other.a5,other.a6,other.a7,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,))
SHAPES[(False, True, True, True, False, True, True, False)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3, a4, a5, a6, a7, a8):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    _s3(self, a3)
    _s4(self, a4)
    _s5(self, a5)
    _s6(self, a6)
    _s7(self, a7)
    _s8(self, a8)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,) == (other.a0,other.a1,other.a2,other.a3,other.a4,other.a5,other.a6,other.a7,other.a8,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,))
SHAPES[(False, False, False, False, False, False, False, False, False)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3, a4, a5, a6, a7, a8):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    _s3(self, a3)
    _s4(self, a4)
    _s5(self, a5)
    _s6(self, a6)
    _s7(self, a7)
    if a8 is _FACTORY: a8 = _f8()
    _s8(self, a8)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,) == (other.a0,other.a1,other.a2,other.a3,other.a4,other.a5,other.a6,other.a7,other.a8,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,))
SHAPES[(False, False, False, False, False, False, False, False, True)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    _s3(self, a3)
    _s4(self, a4)
    _s5(self, a5)
    _s6(self, a6)
    _s7(self, a7)
    _s8(self, a8)
    _s9(self, a9)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,self.a9,) == (other.a0,other.a1,other.a2,other.a3,other.a4,other.a5,other.a6,other.a7,other.a8,other.a9,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,self.a9,))
SHAPES[(False, False, False, False, False, False, False, False, False, False)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    _s3(self, a3)
    if a4 is _FACTORY: a4 = _f4()
    _s4(self, a4)
    if a5 is _FACTORY: a5 = _f5()
    _s5(self, a5)
    _s6(self, a6)
    _s7(self, a7)
    _s8(self, a8)
    _s9(self, a9)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,self.a9,) == (other.a0,other.a1,other.a2,other.a3,other.a4,other.a5,other.a6,other.a7,other.a8,other.a9,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,self.a9,))
SHAPES[(False, False, False, False, True, True, False, False, False, False)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    _s3(self, a3)
    _s4(self, a4)
    _s5(self, a5)
    _s6(self, a6)
    _s7(self, a7)
    _s8(self, a8)
    _s9(self, a9)
    _s10(self, a10)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,self.a9,self.a10,) == (other.a0,other.a1,other.a2,other.a3,other.a4,other.a5,other.a6,other.a7,other.a8,other.a9,other.a10,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,self.a9,self.a10,))
SHAPES[(False, False, False, False, False, False, False, False, False, False, False)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    _s3(self, a3)
    _s4(self, a4)
    _s5(self, a5)
    _s6(self, a6)
    if a7 is _FACTORY: a7 = _f7()
    _s7(self, a7)
    if a8 is _FACTORY: a8 = _f8()
    _s8(self, a8)
    if a9 is _FACTORY: a9 = _f9()
    _s9(self, a9)
    _s10(self, a10)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,self.a9,self.a10,) == (other.a0,other.a1,other.a2,other.a3,other.a4,other.a5,other.a6,other.a7,other.a8,other.a9,other.a10,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,self.a9,self.a10,))
SHAPES[(False, False, False, False, False, False, False, True, True, True, False)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    _s3(self, a3)
    _s4(self, a4)
    _s5(self, a5)
    _s6(self, a6)
    _s7(self, a7)
    _s8(self, a8)
    _s9(self, a9)
    _s10(self, a10)
    _s11(self, a11)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,self.a9,self.a10,self.a11,) == (other.a0,other.a1,other.a2,other.a3,other.a4,other.a5,other.a6,other.a7,other.a8,other.a9,other.a10,other.a11,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,self.a9,self.a10,self.a11,))
SHAPES[(False, False, False, False, False, False, False, False, False, False, False, False)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)

def __init__(self, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13):
    _s0(self, a0)
    _s1(self, a1)
    _s2(self, a2)
    _s3(self, a3)
    if a4 is _FACTORY: a4 = _f4()
    _s4(self, a4)
    _s5(self, a5)
    _s6(self, a6)
    _s7(self, a7)
    _s8(self, a8)
    _s9(self, a9)
    _s10(self, a10)
    _s11(self, a11)
    _s12(self, a12)
    _s13(self, a13)
    return None
def __eq__(self, other):
    if other.__class__ is self.__class__:
        return (self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,self.a9,self.a10,self.a11,self.a12,self.a13,) == (other.a0,other.a1,other.a2,other.a3,other.a4,other.a5,other.a6,other.a7,other.a8,other.a9,other.a10,other.a11,other.a12,other.a13,)
    return NotImplemented
def __hash__(self):
    return hash((self.a0,self.a1,self.a2,self.a3,self.a4,self.a5,self.a6,self.a7,self.a8,self.a9,self.a10,self.a11,self.a12,self.a13,))
SHAPES[(False, False, False, False, True, False, False, False, False, False, False, False, False, False)] = (__init__.__code__, __eq__.__code__, __hash__.__code__)
