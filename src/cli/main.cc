#include <cstdio>
int main() { std::puts("strato: under construction"); return 0; }
