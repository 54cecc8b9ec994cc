;; gemm.wat: the WebAssembly SIMD kernel behind lib/kernels/gemm.ts (build: deno task build:wasm).
;;
;; Computes C = op(A)·op(B) for row-major float64 matrices, where op(X) is X or Xᵀ. A transpose is
;; never formed: each operand is read through a (row stride, column stride) pair, so element (i, p)
;; of op(A) lives at byte  a + 8·(i·rsA + p·csA)  (A: rsA = k, csA = 1;  Aᵀ: rsA = 1, csA = m).
;;
;; The loop nest is the GotoBLAS/BLIS one (Goto & van de Geijn, "Anatomy of high-performance
;; matrix multiplication", 2008):
;;
;;   for jc in steps of NC                        columns of C
;;     for pc in steps of KC                      the shared dimension k
;;       pack B[pc:pc+KC, jc:jc+NC] into panels NR columns wide (a KC×NR panel is contiguous)
;;       for ic in steps of MC                    rows of C
;;         pack A[ic:ic+MC, pc:pc+KC] into panels MR rows tall  (a KC×MR panel is contiguous)
;;         for jr in steps of NR, for ir in steps of MR
;;           micro-kernel: C[ir:ir+MR, jr:jr+NR] += A panel · B panel, all in registers
;;
;; Packing is optional per operand (the caller decides, see lib/kernels/schedule.ts): the kernel can
;; also read A, or B with contiguous rows, where it lies, which is faster when a block would be used
;; only a few times (a narrow or short C).
;;
;; The micro-kernel keeps a 6×4 block of C in 12 f64x2 registers. One step of k loads 4 values of
;; B (2 vectors), broadcasts 6 values of A and does 12 fused multiply-adds: 48 flops for 8 loads.
;;
;; Determinism: every C entry is ONE running sum over p = 0, 1, …, k−1 in order. Between KC blocks
;; the kernel stores C and reloads it (instead of adding a partial sum), so the result is the same
;; whatever the blocking and however the rows/columns of C are split between threads.
;;
;; The build also makes a plain-SIMD variant by rewriting every (f64x2.relaxed_madd x y acc) into
;; (f64x2.add (f64x2.mul x y) acc), for engines without relaxed SIMD; keep that exact form.
(module
  (import "env" "memory" (memory 1 32768 shared))

  ;; Blocking sizes, in elements. MC must be a multiple of MR (6) and NC of NR (4).
  (global $KC i32 (i32.const 256))
  (global $MC i32 (i32.const 96))
  (global $NC i32 (i32.const 2048))

  ;; Bytes of scratch one thread needs: packed B (KC×NC), packed A (MC×KC), one 6×4 edge tile.
  (func $workspace_bytes (export "workspace_bytes") (result i32)
    (i32.shl
      (i32.add
        (i32.add (i32.mul (global.get $KC) (global.get $NC)) (i32.mul (global.get $KC) (global.get $MC)))
        (i32.const 24))
      (i32.const 3)))

  ;; ---- micro-kernel ---------------------------------------------------------------------------
  ;; C[0:6, 0:4] = (load ? C : 0) + Σ_{p<kc} A[0:6, p]·B[p, 0:4], all in 12 registers.
  ;; A[r, p] is at $ap + r·$aRow + p·$aStep and B[p, 0:4] (4 contiguous values) at $bp + p·$bStep
  ;; (bytes), so the same code reads packed panels ($aRow = 8, $aStep = 48, $bStep = 32) or the
  ;; matrices in place (e.g. A row-major: $aRow = 8·k, $aStep = 8). $ldc is C's row stride in bytes.
  (func $kernel6x4 (param $kc i32) (param $ap i32) (param $aRow i32) (param $aStep i32)
    (param $bp i32) (param $bStep i32) (param $c i32) (param $ldc i32) (param $load i32)
    (local $end i32) (local $row i32) (local $r2 i32) (local $r3 i32) (local $r4 i32) (local $r5 i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $c40 v128) (local $c41 v128) (local $c50 v128) (local $c51 v128)
    (if (local.get $load)
      (then
        (local.set $row (local.get $c))
        (local.set $c00 (v128.load align=8 (local.get $row)))
        (local.set $c01 (v128.load offset=16 align=8 (local.get $row)))
        (local.set $row (i32.add (local.get $row) (local.get $ldc)))
        (local.set $c10 (v128.load align=8 (local.get $row)))
        (local.set $c11 (v128.load offset=16 align=8 (local.get $row)))
        (local.set $row (i32.add (local.get $row) (local.get $ldc)))
        (local.set $c20 (v128.load align=8 (local.get $row)))
        (local.set $c21 (v128.load offset=16 align=8 (local.get $row)))
        (local.set $row (i32.add (local.get $row) (local.get $ldc)))
        (local.set $c30 (v128.load align=8 (local.get $row)))
        (local.set $c31 (v128.load offset=16 align=8 (local.get $row)))
        (local.set $row (i32.add (local.get $row) (local.get $ldc)))
        (local.set $c40 (v128.load align=8 (local.get $row)))
        (local.set $c41 (v128.load offset=16 align=8 (local.get $row)))
        (local.set $row (i32.add (local.get $row) (local.get $ldc)))
        (local.set $c50 (v128.load align=8 (local.get $row)))
        (local.set $c51 (v128.load offset=16 align=8 (local.get $row)))))
    (local.set $r2 (i32.shl (local.get $aRow) (i32.const 1)))
    (local.set $r3 (i32.add (local.get $r2) (local.get $aRow)))
    (local.set $r4 (i32.shl (local.get $aRow) (i32.const 2)))
    (local.set $r5 (i32.add (local.get $r4) (local.get $aRow)))
    (local.set $end (i32.add (local.get $ap) (i32.mul (local.get $kc) (local.get $aStep))))
    ;; one k step per iteration: broadcast A[r, p] for the 6 rows, times the 2 vectors B[p, 0:4]
    (loop $step
      (local.set $b0 (v128.load align=8 (local.get $bp)))
      (local.set $b1 (v128.load offset=16 align=8 (local.get $bp)))
      (local.set $a (v128.load64_splat (local.get $ap)))
      (local.set $c00 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
      (local.set $c01 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c01)))
      (local.set $a (v128.load64_splat (i32.add (local.get $ap) (local.get $aRow))))
      (local.set $c10 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
      (local.set $c11 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c11)))
      (local.set $a (v128.load64_splat (i32.add (local.get $ap) (local.get $r2))))
      (local.set $c20 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
      (local.set $c21 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c21)))
      (local.set $a (v128.load64_splat (i32.add (local.get $ap) (local.get $r3))))
      (local.set $c30 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
      (local.set $c31 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c31)))
      (local.set $a (v128.load64_splat (i32.add (local.get $ap) (local.get $r4))))
      (local.set $c40 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c40)))
      (local.set $c41 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c41)))
      (local.set $a (v128.load64_splat (i32.add (local.get $ap) (local.get $r5))))
      (local.set $c50 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c50)))
      (local.set $c51 (f64x2.relaxed_madd (local.get $a) (local.get $b1) (local.get $c51)))
      (local.set $ap (i32.add (local.get $ap) (local.get $aStep)))
      (local.set $bp (i32.add (local.get $bp) (local.get $bStep)))
      (br_if $step (i32.lt_u (local.get $ap) (local.get $end))))
    (local.set $row (local.get $c))
    (v128.store align=8 (local.get $row) (local.get $c00))
    (v128.store offset=16 align=8 (local.get $row) (local.get $c01))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (v128.store align=8 (local.get $row) (local.get $c10))
    (v128.store offset=16 align=8 (local.get $row) (local.get $c11))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (v128.store align=8 (local.get $row) (local.get $c20))
    (v128.store offset=16 align=8 (local.get $row) (local.get $c21))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (v128.store align=8 (local.get $row) (local.get $c30))
    (v128.store offset=16 align=8 (local.get $row) (local.get $c31))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (v128.store align=8 (local.get $row) (local.get $c40))
    (v128.store offset=16 align=8 (local.get $row) (local.get $c41))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (v128.store align=8 (local.get $row) (local.get $c50))
    (v128.store offset=16 align=8 (local.get $row) (local.get $c51)))

  ;; C[0:6, 0:2] likewise, for an edge panel 2 columns wide (C = 10 classes is 4 + 4 + 2): the same
  ;; sums as the first half of kernel6x4, at half the work. B[p, 0:2] is at $bp + p·$bStep.
  (func $kernel6x2 (param $kc i32) (param $ap i32) (param $aRow i32) (param $aStep i32)
    (param $bp i32) (param $bStep i32) (param $c i32) (param $ldc i32) (param $load i32)
    (local $end i32) (local $row i32) (local $r2 i32) (local $r3 i32) (local $r4 i32) (local $r5 i32)
    (local $a v128) (local $b0 v128)
    (local $c00 v128) (local $c10 v128) (local $c20 v128) (local $c30 v128) (local $c40 v128) (local $c50 v128)
    (if (local.get $load)
      (then
        (local.set $row (local.get $c))
        (local.set $c00 (v128.load align=8 (local.get $row)))
        (local.set $row (i32.add (local.get $row) (local.get $ldc)))
        (local.set $c10 (v128.load align=8 (local.get $row)))
        (local.set $row (i32.add (local.get $row) (local.get $ldc)))
        (local.set $c20 (v128.load align=8 (local.get $row)))
        (local.set $row (i32.add (local.get $row) (local.get $ldc)))
        (local.set $c30 (v128.load align=8 (local.get $row)))
        (local.set $row (i32.add (local.get $row) (local.get $ldc)))
        (local.set $c40 (v128.load align=8 (local.get $row)))
        (local.set $row (i32.add (local.get $row) (local.get $ldc)))
        (local.set $c50 (v128.load align=8 (local.get $row)))))
    (local.set $r2 (i32.shl (local.get $aRow) (i32.const 1)))
    (local.set $r3 (i32.add (local.get $r2) (local.get $aRow)))
    (local.set $r4 (i32.shl (local.get $aRow) (i32.const 2)))
    (local.set $r5 (i32.add (local.get $r4) (local.get $aRow)))
    (local.set $end (i32.add (local.get $ap) (i32.mul (local.get $kc) (local.get $aStep))))
    (loop $step
      (local.set $b0 (v128.load align=8 (local.get $bp)))
      (local.set $a (v128.load64_splat (local.get $ap)))
      (local.set $c00 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
      (local.set $a (v128.load64_splat (i32.add (local.get $ap) (local.get $aRow))))
      (local.set $c10 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
      (local.set $a (v128.load64_splat (i32.add (local.get $ap) (local.get $r2))))
      (local.set $c20 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
      (local.set $a (v128.load64_splat (i32.add (local.get $ap) (local.get $r3))))
      (local.set $c30 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
      (local.set $a (v128.load64_splat (i32.add (local.get $ap) (local.get $r4))))
      (local.set $c40 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c40)))
      (local.set $a (v128.load64_splat (i32.add (local.get $ap) (local.get $r5))))
      (local.set $c50 (f64x2.relaxed_madd (local.get $a) (local.get $b0) (local.get $c50)))
      (local.set $ap (i32.add (local.get $ap) (local.get $aStep)))
      (local.set $bp (i32.add (local.get $bp) (local.get $bStep)))
      (br_if $step (i32.lt_u (local.get $ap) (local.get $end))))
    (local.set $row (local.get $c))
    (v128.store align=8 (local.get $row) (local.get $c00))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (v128.store align=8 (local.get $row) (local.get $c10))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (v128.store align=8 (local.get $row) (local.get $c20))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (v128.store align=8 (local.get $row) (local.get $c30))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (v128.store align=8 (local.get $row) (local.get $c40))
    (local.set $row (i32.add (local.get $row) (local.get $ldc)))
    (v128.store align=8 (local.get $row) (local.get $c50)))

  ;; ---- packing --------------------------------------------------------------------------------
  ;; Copies the mc×kc block of op(A) starting at byte $src (strides $rs, $cs in bytes) into panels
  ;; of 6 rows: panel q holds, for each p, the 6 values A[6q+r, p] side by side (zeros past mc).
  (func $packA (param $src i32) (param $rs i32) (param $cs i32) (param $mc i32) (param $kc i32)
    (param $dst i32)
    (local $i i32) (local $r i32) (local $h i32) (local $s i32) (local $d i32) (local $end i32)
    (local $panel i32)
    (local.set $panel (i32.mul (local.get $kc) (i32.const 48)))
    (block $done
      (loop $panels
        (br_if $done (i32.ge_s (local.get $i) (local.get $mc)))
        (local.set $h (i32.sub (local.get $mc) (local.get $i)))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $rs))))
        (local.set $end (i32.add (local.get $dst) (local.get $panel)))
        (if (i32.and (i32.ge_s (local.get $h) (i32.const 6)) (i32.eq (local.get $rs) (i32.const 8)))
          (then
            ;; columns of op(A) are contiguous (A stored transposed): 6 values are 3 vector loads
            (local.set $d (local.get $dst))
            (loop $vcopy
              (v128.store align=8 (local.get $d) (v128.load align=8 (local.get $s)))
              (v128.store offset=16 align=8 (local.get $d) (v128.load offset=16 align=8 (local.get $s)))
              (v128.store offset=32 align=8 (local.get $d) (v128.load offset=32 align=8 (local.get $s)))
              (local.set $s (i32.add (local.get $s) (local.get $cs)))
              (local.set $d (i32.add (local.get $d) (i32.const 48)))
              (br_if $vcopy (i32.lt_u (local.get $d) (local.get $end)))))
          (else
            (if (i32.lt_s (local.get $h) (i32.const 6))
              (then (memory.fill (local.get $dst) (i32.const 0) (local.get $panel)))
              (else (local.set $h (i32.const 6))))
            (local.set $r (i32.const 0))
            (loop $rows
              (local.set $s (i32.add (local.get $src)
                (i32.mul (i32.add (local.get $i) (local.get $r)) (local.get $rs))))
              (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 3))))
              (local.set $end (i32.add (local.get $d) (local.get $panel)))
              (loop $copy
                (f64.store (local.get $d) (f64.load (local.get $s)))
                (local.set $s (i32.add (local.get $s) (local.get $cs)))
                (local.set $d (i32.add (local.get $d) (i32.const 48)))
                (br_if $copy (i32.lt_u (local.get $d) (local.get $end))))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br_if $rows (i32.lt_s (local.get $r) (local.get $h))))))
        (local.set $dst (i32.add (local.get $dst) (local.get $panel)))
        (local.set $i (i32.add (local.get $i) (i32.const 6)))
        (br $panels))))

  ;; Copies the kc×nc block of op(B) starting at byte $src (strides $rs, $cs in bytes) into panels
  ;; of 4 columns: panel q holds, for each p, the 4 values B[p, 4q+j] side by side (zeros past nc).
  (func $packB (param $src i32) (param $rs i32) (param $cs i32) (param $nc i32) (param $kc i32)
    (param $dst i32)
    (local $j i32) (local $col i32) (local $w i32) (local $s i32) (local $d i32) (local $end i32)
    (local $panel i32)
    (local.set $panel (i32.shl (local.get $kc) (i32.const 5)))
    (block $done
      (loop $panels
        (br_if $done (i32.ge_s (local.get $j) (local.get $nc)))
        (local.set $w (i32.sub (local.get $nc) (local.get $j)))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $j) (local.get $cs))))
        (local.set $end (i32.add (local.get $dst) (local.get $panel)))
        (if (i32.and (i32.ge_s (local.get $w) (i32.const 4)) (i32.eq (local.get $cs) (i32.const 8)))
          (then
            ;; rows of B are contiguous: 4 values are 2 vector loads
            (local.set $d (local.get $dst))
            (loop $vcopy
              (v128.store align=8 (local.get $d) (v128.load align=8 (local.get $s)))
              (v128.store offset=16 align=8 (local.get $d) (v128.load offset=16 align=8 (local.get $s)))
              (local.set $s (i32.add (local.get $s) (local.get $rs)))
              (local.set $d (i32.add (local.get $d) (i32.const 32)))
              (br_if $vcopy (i32.lt_u (local.get $d) (local.get $end)))))
          (else
            (if (i32.lt_s (local.get $w) (i32.const 4))
              (then (memory.fill (local.get $dst) (i32.const 0) (local.get $panel)))
              (else (local.set $w (i32.const 4))))
            (local.set $col (i32.const 0))
            (loop $cols
              (local.set $s (i32.add (local.get $src)
                (i32.mul (i32.add (local.get $j) (local.get $col)) (local.get $cs))))
              (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $col) (i32.const 3))))
              (local.set $end (i32.add (local.get $d) (local.get $panel)))
              (loop $copy
                (f64.store (local.get $d) (f64.load (local.get $s)))
                (local.set $s (i32.add (local.get $s) (local.get $rs)))
                (local.set $d (i32.add (local.get $d) (i32.const 32)))
                (br_if $copy (i32.lt_u (local.get $d) (local.get $end))))
              (local.set $col (i32.add (local.get $col) (i32.const 1)))
              (br_if $cols (i32.lt_s (local.get $col) (local.get $w))))))
        (local.set $dst (i32.add (local.get $dst) (local.get $panel)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $panels))))

  ;; ---- edge tiles -----------------------------------------------------------------------------
  ;; A tile of C with h < 6 rows or w < 4 columns goes through the 6×4 scratch tile at $tile.
  (func $copyTile (param $from i32) (param $fromLd i32) (param $to i32) (param $toLd i32)
    (param $h i32) (param $w i32)
    (local $r i32) (local $q i32)
    (loop $rows
      (local.set $q (i32.const 0))
      (loop $cols
        (f64.store
          (i32.add (local.get $to) (i32.add (i32.mul (local.get $r) (local.get $toLd)) (i32.shl (local.get $q) (i32.const 3))))
          (f64.load
            (i32.add (local.get $from) (i32.add (i32.mul (local.get $r) (local.get $fromLd)) (i32.shl (local.get $q) (i32.const 3))))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br_if $cols (i32.lt_s (local.get $q) (local.get $w))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rows (i32.lt_s (local.get $r) (local.get $h)))))

  ;; ---- the blocked product --------------------------------------------------------------------
  ;; C[i0:i1, j0:j1] = op(A)[i0:i1, :] · op(B)[:, j0:j1]. Pointers are byte offsets, strides and
  ;; sizes are in elements; $ldc is C's row length; $ws is this thread's workspace (see above).
  ;; Bit 0 of $flags packs A, bit 1 packs B, bit 2 adds to C (continues its running sums). Without packing the kernel reads the operand in place:
  ;; cheaper when it would be used only a few times (A for a narrow C, B for a short C); B in place
  ;; needs contiguous rows ($csB = 1). Edge panels (< 6 rows, < 4 columns) are always packed.
  ;; Needs k ≥ 1, i0 < i1, j0 < j1.
  (func (export "gemm")
    (param $a i32) (param $rsA i32) (param $csA i32)
    (param $b i32) (param $rsB i32) (param $csB i32)
    (param $c i32) (param $ldc i32) (param $k i32)
    (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $ws i32) (param $flags i32)
    (local $bp i32) (local $ap i32) (local $tile i32) (local $ldc8 i32) (local $packA i32) (local $packB i32)
    (local $jc i32) (local $nc i32) (local $pc i32) (local $kc i32) (local $ic i32) (local $mc i32)
    (local $jr i32) (local $ir i32) (local $w i32) (local $h i32) (local $cp i32) (local $load i32)
    (local $aBlock i32) (local $bBlock i32) (local $apanel i32) (local $aRow i32) (local $aStep i32)
    (local $bpanel i32) (local $bStep i32)
    ;; strides to bytes
    (local.set $rsA (i32.shl (local.get $rsA) (i32.const 3)))
    (local.set $csA (i32.shl (local.get $csA) (i32.const 3)))
    (local.set $rsB (i32.shl (local.get $rsB) (i32.const 3)))
    (local.set $csB (i32.shl (local.get $csB) (i32.const 3)))
    (local.set $ldc8 (i32.shl (local.get $ldc) (i32.const 3)))
    (local.set $packA (i32.and (local.get $flags) (i32.const 1)))
    (local.set $packB (i32.and (local.get $flags) (i32.const 2)))
    ;; workspace: packed B, then packed A, then the edge tile
    (local.set $bp (local.get $ws))
    (local.set $ap (i32.add (local.get $bp) (i32.shl (i32.mul (global.get $KC) (global.get $NC)) (i32.const 3))))
    (local.set $tile (i32.add (local.get $ap) (i32.shl (i32.mul (global.get $KC) (global.get $MC)) (i32.const 3))))
    (local.set $jc (local.get $j0))
    (loop $jcLoop
      (local.set $nc (select (global.get $NC) (i32.sub (local.get $j1) (local.get $jc))
        (i32.lt_s (global.get $NC) (i32.sub (local.get $j1) (local.get $jc)))))
      (local.set $pc (i32.const 0))
      (loop $pcLoop
        (local.set $kc (select (global.get $KC) (i32.sub (local.get $k) (local.get $pc))
          (i32.lt_s (global.get $KC) (i32.sub (local.get $k) (local.get $pc)))))
        ;; C is loaded (the running sums continue) after the first k block, or from the start
        ;; with bit 2 of $flags (a job over the next k range, see lib/kernels/engine.ts)
        (local.set $load (i32.or (i32.ne (local.get $pc) (i32.const 0)) (i32.and (local.get $flags) (i32.const 4))))
        (local.set $bBlock (i32.add (local.get $b)
          (i32.add (i32.mul (local.get $pc) (local.get $rsB)) (i32.mul (local.get $jc) (local.get $csB)))))
        (if (local.get $packB)
          (then (call $packB (local.get $bBlock) (local.get $rsB) (local.get $csB) (local.get $nc)
            (local.get $kc) (local.get $bp))))
        (local.set $ic (local.get $i0))
        (loop $icLoop
          (local.set $mc (select (global.get $MC) (i32.sub (local.get $i1) (local.get $ic))
            (i32.lt_s (global.get $MC) (i32.sub (local.get $i1) (local.get $ic)))))
          (local.set $aBlock (i32.add (local.get $a)
            (i32.add (i32.mul (local.get $ic) (local.get $rsA)) (i32.mul (local.get $pc) (local.get $csA)))))
          (if (local.get $packA)
            (then (call $packA (local.get $aBlock) (local.get $rsA) (local.get $csA) (local.get $mc)
              (local.get $kc) (local.get $ap))))
          (local.set $jr (i32.const 0))
          (loop $jrLoop
            (local.set $w (select (i32.const 4) (i32.sub (local.get $nc) (local.get $jr))
              (i32.lt_s (i32.const 4) (i32.sub (local.get $nc) (local.get $jr)))))
            ;; the B panel: packed, in place, or (an edge panel read in place) packed now
            (if (local.get $packB)
              (then
                (local.set $bpanel (i32.add (local.get $bp) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 3))))
                (local.set $bStep (i32.const 32)))
              (else
                (local.set $bpanel (i32.add (local.get $bBlock) (i32.mul (local.get $jr) (local.get $csB))))
                (local.set $bStep (local.get $rsB))
                (if (i32.lt_s (local.get $w) (i32.const 4))
                  (then
                    (call $packB (local.get $bpanel) (local.get $rsB) (local.get $csB) (local.get $w)
                      (local.get $kc) (local.get $bp))
                    (local.set $bpanel (local.get $bp))
                    (local.set $bStep (i32.const 32))))))
            (local.set $ir (i32.const 0))
            (loop $irLoop
              (local.set $h (select (i32.const 6) (i32.sub (local.get $mc) (local.get $ir))
                (i32.lt_s (i32.const 6) (i32.sub (local.get $mc) (local.get $ir)))))
              ;; the A panel, likewise
              (if (local.get $packA)
                (then
                  (local.set $apanel (i32.add (local.get $ap) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 3))))
                  (local.set $aRow (i32.const 8))
                  (local.set $aStep (i32.const 48)))
                (else
                  (local.set $apanel (i32.add (local.get $aBlock) (i32.mul (local.get $ir) (local.get $rsA))))
                  (local.set $aRow (local.get $rsA))
                  (local.set $aStep (local.get $csA))
                  (if (i32.lt_s (local.get $h) (i32.const 6))
                    (then
                      (call $packA (local.get $apanel) (local.get $rsA) (local.get $csA) (local.get $h)
                        (local.get $kc) (local.get $ap))
                      (local.set $apanel (local.get $ap))
                      (local.set $aRow (i32.const 8))
                      (local.set $aStep (i32.const 48))))))
              (local.set $cp (i32.add (local.get $c) (i32.shl
                (i32.add (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $ldc)) (i32.add (local.get $jc) (local.get $jr)))
                (i32.const 3))))
              ;; full 6×4 and 6×2 tiles in place in C; other edge tiles through the scratch tile
              (if (i32.and (i32.eq (local.get $h) (i32.const 6)) (i32.eq (local.get $w) (i32.const 4)))
                (then
                  (call $kernel6x4 (local.get $kc) (local.get $apanel) (local.get $aRow) (local.get $aStep)
                    (local.get $bpanel) (local.get $bStep) (local.get $cp) (local.get $ldc8) (local.get $load)))
                (else
                  (if (i32.and (i32.eq (local.get $h) (i32.const 6)) (i32.eq (local.get $w) (i32.const 2)))
                    (then
                      (call $kernel6x2 (local.get $kc) (local.get $apanel) (local.get $aRow) (local.get $aStep)
                        (local.get $bpanel) (local.get $bStep) (local.get $cp) (local.get $ldc8) (local.get $load)))
                    (else
                      (if (local.get $load)
                        (then (call $copyTile (local.get $cp) (local.get $ldc8) (local.get $tile) (i32.const 32)
                          (local.get $h) (local.get $w))))
                      (if (i32.le_s (local.get $w) (i32.const 2))
                        (then
                          (call $kernel6x2 (local.get $kc) (local.get $apanel) (local.get $aRow) (local.get $aStep)
                            (local.get $bpanel) (local.get $bStep) (local.get $tile) (i32.const 32) (local.get $load)))
                        (else
                          (call $kernel6x4 (local.get $kc) (local.get $apanel) (local.get $aRow) (local.get $aStep)
                            (local.get $bpanel) (local.get $bStep) (local.get $tile) (i32.const 32) (local.get $load))))
                      (call $copyTile (local.get $tile) (i32.const 32) (local.get $cp) (local.get $ldc8)
                        (local.get $h) (local.get $w))))))
              (local.set $ir (i32.add (local.get $ir) (i32.const 6)))
              (br_if $irLoop (i32.lt_s (local.get $ir) (local.get $mc))))
            (local.set $jr (i32.add (local.get $jr) (i32.const 4)))
            (br_if $jrLoop (i32.lt_s (local.get $jr) (local.get $nc))))
          (local.set $ic (i32.add (local.get $ic) (local.get $mc)))
          (br_if $icLoop (i32.lt_s (local.get $ic) (local.get $i1))))
        (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
        (br_if $pcLoop (i32.lt_s (local.get $pc) (local.get $k))))
      (local.set $jc (i32.add (local.get $jc) (local.get $nc)))
      (br_if $jcLoop (i32.lt_s (local.get $jc) (local.get $j1))))))
