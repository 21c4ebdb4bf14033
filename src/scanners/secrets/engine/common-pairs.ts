/**
 * The 2,000 most common two-byte pairs of source and documentation text, most common
 * first, with their frequency in occurrences per million pairs (base 36): counted once
 * over about 84 MB of JavaScript, TypeScript, JSON and Markdown (an npm dependency
 * tree). The keyword matcher indexes each keyword by its rarest adjacent pairs, so that
 * its single pass rarely stops. Pairs not listed occur less than ~30 times per million.
 */
export const COMMON_PAIRS =
  "  AAe inerre tonthten  ient at, s hentorstde *seti*  aes**alACleisar= et s cit =ioco: r CAmeta ondd " +
  "lied pf  rannspe,Ctrngurctri--ro {) as fiftoC,ra); nneex (chodceec } \"\\nncrnrt efihieanollemun bef" +
  "EAacpatuveamy masis.ilelcageha==pr,Eo  dopIArs->omvaty/**/ssrruepo /laulnaofloyptsouut v m wicluAEot" +
  "bextfoe.ptocidoldia g um,ImpusAIab 'ad\", TagE,l e(ReB,keCoe, uttxp l SI,ml 0s:soTEls//Pah GAbligdoq" +
  "lsqxm,GosE_e3t(owckda()cu. ThMAm ITt.plfanufe\":LIimAGwircrgSteg )BAInniruie(pze `izAM |\\ueefuclir)" +
  ")suepe)lyapmibusc| mof( & 1( ay){AKt,ltSQLiQLKAryrmoiG,iaQA/  [ai}  I,K @ev N +Ex,M Aho <ooqu h xbae" +
  "yobjeffbjC;OAshM,ldNoew&&htboe:c K,; spAOmbt) Rr(w ,Oib>  CAScr(c gr.tcnfs)giD, -SeDeup(tpu] & Pr+ i" +
  "v;As,OpfrppO,oke\"tp Osan(Tyvi Peq!=` 3_;;vo(sk 0 dd\" .ps\".cufERaut-),uiLLINpsd.Chnlwhe- !00A;xs;I" +
  ".s\")*prde;ipSAEr ENa Fub0,r)ULp ')||YAds},',AQtxgsgnVa' (iMaucftwaArciNUREbyov):MLr,d, L 2- ED{ .tT" +
  "a(edb..DELEToAU(nATn\"0;gB?::/,Qx ,Sn..o;Qax}\\Ca,\"s/Fir-0x ___/dENONhr=\"p-Sct:pPnkE avMeak.lgtnn " +
  "D W>p],./A,.mmm(vST=>duQ,=0fl k Ms(Buua.i_SEnd(pimseAUAjs('CHeCeot\"n> B0)XMS,ORgheSrfeT(\"ePe_pCuDg" +
  "u((grt;{\\d) U,URIWATeeb@p.emuwo>nnyn,udIfn\\ :ccbi.0NeynL_</NTbra.nvObItU,N Loy.we).})#iT_(hSE1 ](t" +
  "le=AP1.ix X.#AL_OnpT ? AR];ys1,y(a,.a#e/x(aKe(dsyh(``._dr-1Cl])[].r};[ir;_Cn)_sDaPo zs[1) VeIES,\\Id" +
  "_EfslSL)# CO++pS ?SiwreEog;Yn; $_arCTr<x32_PPI20(r-\\MEd;l(GeS SyLedlAYl.(oHEslytcst_L NO_ctCTRAWc,U" +
  "R_i(xg.FoiBs5AgUn10EMg/Ac\"stT\\\\2 l,e] 3\"tn:;\\_teOANlCH,pTtP.drk.nFrl)tSe/oBOMTI[0g,\";n-pISIElh" +
  "up(g(THTAsrug';::ki64af.ht'CtDoHay,+=EvmnNG#dr:s;b,\\\"tEAlCrOfAtwnWe_AY,,YtmeixieFCT*)x0.fAa1;bsgaD" +
  "ig$ \\,W0.'s.jPRIOPtSogo16UT_NR_ ye` >EXAskB].skROe'_IR xeRA>agl0]_DsBksi  GaA1F(fF,)\\P_BaABTSFlFuW" +
  "i/iCu,a12,c,eBLr\"Mo jE;py0-OnW, 4'.oaB;xcNArlA L,AdnS{1nBND.\\2.OKnCk;lbMIEC:ad:/seN.g(!l;ISb/b LON" +
  "uAnym\".dx1] HpNRoPA${eRETl_IDy)tL_R>it[tN,ipE\"dOPlv2,4 t/wsBozib-_Tn'g)s':etDp,##rvs=CEXPeDRRpBWrG" +
  "Ee>d\"Ft[\"h)cAu{UCnEi]NCm/Is_MJS/lrE_f_e/ntB0\"eLSC_vpRD UNf,ODtI\"]LA:dNSpd*\\eMlf-sd-\"\"xaPE\"np" +
  ")tR/WWhOrVd':u0f.SunTh.VADAl-SOu2S_,t.1rPmB #)(UsFFyo`./g;g\">_1USgmggsCg;Sp}etw 8_Ffdb.RU:\"rOx)_p/" +
  "cILl/ .pLMD2)K SSu oztfe}rSD_AuAi[Mc)'\\_mByCDn}Aer/ELI/ox`,3 /\\D;>=FA(0\\x\"aG;pOeBe\\VE_de[lRDNRT" +
  "AD\"r J)`_Lyws-_r,gOu(lTO< s_01HAs3lNt=Ruaw=S@rBUo-=twBIC-cdyd_DI/AN_CL(m{}n_DD3,Db8 \"eyyc(e<T,pWx." +
  "sS(bg\"(ur_0\\iCqB\"c_nTYDO@lWaOT-th,WIlPTTlky\"a)VeOC\"hrBx,pFG_lEp.$c.vOU[s/ec;K_HTNEFeIm}}Y nOnPI" +
  " 11CjpD{@,o3.4,fyjo\"fm.\"iCnkn 5 6h:-odSFTCS.b8,ikOFtAr'IG_B02IVv8EFfn\"pBtc.m-t>s?AXtFAk[12]'tk.dE" +
  "oe)}/vdC-e\"uCxApc=/pyBlF(*PUbxCK-pLR\"mlDRL+)tMgE-ftO1\"C1l\".\"ShFCFIBlRasA14lBaP %lTo._be{td/a3V(" +
  "?Hen/ qIMKiCpDF26 KRSy:(&25($>;kaa-hm/tt}mth;Am6,sT[psE8)Cv*,OcdO>c-2,s[SnD_oEGMiV,3Et`TM\"b13*`@s,k" +
  "nFK;xCFa8:`*hC>esD_lrDpVcyyl.u4)DCb)LaC3m,rNAo>snm80/urwBi3BIB>> ^p:i+sPa:dtt\\({_V&pv,l:3F-lk(xO40p" +
  "hN,C5w.OLPT']uB\"ACza[(Sp;g-5,bt-rww19>d+;v SH/rlXKETi[\\lpsf(kxT['sNrI_U\"lm(r[83nREPgC(12(28f)cm{s" +
  "<=-i*z,rVipcsOk,18Be/b)]DBr=\\taSs\\MPOWD)u1C7,m.2d\\TK)=X_FEFL$(hB3C@thsHOP 4.-anAM_C \"S21C9pMp[27" +
  "eV15xBzBtVi=\"oAbGLxK`tQux-6 o,23rL-di)7,nL;i\"$=eGrwS([SaF ''sIOS'an=LTs]d'CR\"C30`fPL0BejoSMuCsXT3" +
  "De? ]:[Aq17c-C_xS%sLUC/24UPUps`k)ySm)y-\"TIEO_P,,u;o>t_W-bf\"'f`)/ww(=prT\"xm_J,dP=1nb{ig:&(/m|\\dT>" +
  "zcbnN22nIsFdF:=IPsw\"vGlCUsMEEFO9,>fE)eWd`pAlgR,(NjupmzaTLrMPuzCzN5B5 sgD8rb{{/.}`r}.wrASPTFYPyr\"^'" +
  "nGPS;-9FUEq]=Wor*{rAff-Ri\"\\\"+r`i-1B`saCtUjBCFiDPeuoyip=2;t?sn-nx1SrX,c/=r$r(\\BE4BEB<Keug}NI03t3y" +
  ";'e:sp_lndLeUu8+1M SVBr-mdN,qd>dAlcnM\"1gy=na;,n\"#<Tx(_H>bo)9Byc><gIp2 7vB(_RNi.]|t6M;d[+\",wszrFhS" +
  "sR6)`cUBCNt<NFlr,0_.2Ba(;Or]mdyCt][kAwrp/ClId}(zxD{0G x8{vs<\"I'u>mx:$s 9083)Ce>uxFm\"m:zD50r<:\\y_B" +
  "ItWlL2-i;x].kiiA0=so_X [nPgi,xN556Bg'xEeh39lA>rx;0DlGRYY_@c_hPOLPl[BXIR1-dc(`h\"sWn`Cdlw\"0BOCbEs,2H" +
  "_kCaTdI Y]\\ye36cp5.g[I3TCn[{\"CIF3ojs0zToDL;kgzEFRl=RMSDhA5C[toCWHu3v)y]04n]$FMO'd31iO48/B>(UEOB09u" +
  ".VGUMZE@e:c6.k:y</-lUdD56b;/o,4E:EmyE51s2\"}iRyD3SiPDuPh'bA_*sy'CCTU>oRDyPIZrRaV]:7BmC'c.3.S29kuiShO" +
  "l<sma'gvxIBCgAr>Cf<s<<OO>0;ro($$ ,(P2\")?T)RC37d]x2Z,38I;\"EPDOE(2l's1)p*aJs<vx_e*{cgT46QU3]jCa\"69\"" +
  "/(w,6B 60yTS5C\\.yCJgNCP44$i{A`neJt*0}D\\dRiL[a$d!tGST;'r#s)r*ceG8-o=y`34Pl07\"'hE/fT:`pgF708Bp1,ycE" +
  "8.";

export const COMMON_PAIR_FREQUENCIES =
  '1xqh,8jd,7py,69h,61c,5yc,5pl,5jj,5da,5bg,4ra,4qs,4lw,4ki,4h9,4e0,48f,489,451,3zk,3yl,3xq,3vc,3u8,3o1' +
  ',3lu,3kj,3iz,3i0,3hb,3gt,3e5,3bf,38h,387,36a,34r,30l,30i,2zl,2wj,2ps,2ot,2ne,2mh,2kt,2jj,2iu,2ht,2ge' +
  ',2g6,2fw,2f9,2ek,2ec,2e5,2e2,2dh,2cl,2c9,28k,28b,26g,25g,24p,24b,23x,23u,23j,22d,210,20x,1xj,1x1,1ws' +
  ',1wm,1wc,1v2,1uv,1u3,1qk,1pu,1pt,1mv,1mm,1mi,1m7,1m0,1l7,1ku,1kq,1kk,1j3,1id,1i4,1h0,1gm,1g3,1fx,1fr' +
  ',1fe,1f9,1f4,1ez,1e9,1e9,1e2,1dw,1dr,1df,1dc,1d3,1cq,1bx,1bp,1bm,1bj,1b5,1av,1ah,19x,19w,18g,183,17p' +
  ',17k,17h,17d,171,16w,16o,16n,169,15s,15i,15e,15d,159,157,14g,148,140,13q,12h,12a,11z,11j,11i,115,112' +
  ',10q,10i,zv,zs,zp,yu,yt,yl,yf,xt,xn,xd,xd,x8,wv,vy,vx,vk,vb,vb,va,ux,up,un,uj,ui,u8,u4,tr,tj,tb,t4,s' +
  'j,sd,s5,ro,rc,rb,r6,qy,qt,qs,qs,qq,q3,pq,pp,po,pk,p1,oy,oy,ou,ok,of,oc,o3,o3,o2,o0,n8,n6,n2,n2,n1,mv' +
  ',mu,mh,mg,md,mb,m5,m4,ly,lx,lv,ls,lp,lk,lk,lg,ld,lb,l8,l7,l7,l6,l4,l0,l0,kv,ku,km,kk,kh,kg,k7,k2,k2,' +
  'ju,jq,jp,jl,jk,je,jd,j8,j1,ix,ix,ix,iw,iu,is,iq,in,im,im,il,ii,ig,ie,id,ic,ia,i6,i1,hz,hy,hu,hr,hq,h' +
  'n,hl,hk,hh,hf,he,hb,h2,h2,h1,h1,gz,gz,gx,gq,gn,gm,gl,gi,gi,ge,gc,g8,g1,g0,fs,fr,fr,fq,fq,fo,fj,fg,fd' +
  ',fc,fc,fb,f8,f4,f4,ev,eo,eo,em,em,el,ej,eg,ee,ed,ea,e8,ds,dr,dq,dq,do,dm,dh,de,db,db,da,d4,d3,d1,d1,' +
  'd0,d0,cz,cx,cw,cq,cp,co,co,ck,cj,cj,cj,ci,ch,ce,cc,cb,cb,c9,c5,c3,c3,c2,c1,bz,bz,by,by,bv,bu,bu,bu,b' +
  's,br,bn,bn,bm,bj,bj,bh,bg,bg,bf,bd,bd,bc,b9,b9,b8,b6,b5,b4,az,ax,ax,ar,ap,ap,ao,ai,ai,af,ae,ae,ab,ab' +
  ',aa,aa,a7,a6,a3,a3,a1,a1,a0,9w,9w,9w,9v,9u,9s,9s,9q,9o,9m,9j,9h,9h,9h,9h,9g,9g,9d,9c,9c,9b,99,99,98,' +
  '96,96,95,94,94,94,92,91,91,91,90,8z,8w,8v,8v,8t,8t,8s,8s,8r,8r,8q,8p,8n,8n,8l,8k,8h,8g,8g,8g,8g,8g,8' +
  'f,8e,8d,8c,8c,8b,8a,8a,89,89,88,87,84,83,82,82,81,81,81,80,7y,7y,7y,7w,7v,7v,7u,7u,7r,7r,7q,7p,7o,7n' +
  ',7n,7n,7m,7l,7l,7k,7k,7k,7h,7g,7g,7f,7f,7f,7e,7e,7d,7d,7d,7d,7c,7c,7c,7a,79,77,76,75,75,75,74,74,73,' +
  '73,73,73,72,72,72,72,71,70,70,6z,6z,6z,6z,6z,6z,6y,6y,6x,6x,6x,6x,6u,6s,6s,6q,6p,6p,6n,6n,6n,6m,6m,6' +
  'k,6k,6i,6i,6g,6g,6g,6g,6g,6f,6f,6d,6d,6c,6c,6b,6b,6a,69,68,68,68,67,67,66,65,65,64,64,63,62,61,60,60' +
  ',60,5z,5y,5y,5x,5w,5w,5v,5v,5v,5v,5u,5u,5u,5u,5u,5t,5t,5s,5r,5r,5q,5q,5q,5p,5p,5o,5o,5n,5n,5m,5m,5m,' +
  '5m,5l,5k,5k,5j,5j,5j,5j,5j,5i,5h,5h,5g,5g,5f,5e,5e,5e,5d,5d,5c,5c,5c,5c,5c,5b,5a,5a,59,59,58,58,56,5' +
  '6,55,54,54,54,54,53,53,52,51,51,50,50,4z,4z,4y,4y,4y,4y,4x,4x,4x,4x,4x,4w,4w,4w,4v,4v,4v,4v,4v,4u,4u' +
  ',4u,4u,4u,4t,4t,4t,4s,4r,4r,4r,4q,4q,4p,4p,4p,4p,4p,4p,4p,4o,4o,4o,4o,4n,4n,4n,4n,4m,4m,4m,4l,4l,4l,' +
  '4l,4k,4k,4j,4i,4i,4i,4i,4i,4h,4h,4h,4g,4g,4f,4f,4f,4e,4e,4e,4e,4e,4e,4d,4d,4d,4d,4d,4c,4c,4c,4b,4b,4' +
  'b,4a,4a,4a,4a,4a,4a,49,49,48,48,47,47,47,47,47,47,46,46,46,46,45,45,44,44,43,43,43,43,43,43,43,42,42' +
  ',42,42,41,41,41,41,41,41,40,40,40,40,40,40,40,3z,3z,3z,3z,3z,3z,3z,3y,3y,3y,3y,3y,3y,3x,3x,3w,3w,3w,' +
  '3w,3w,3v,3v,3u,3u,3u,3u,3u,3t,3t,3t,3t,3t,3s,3s,3s,3s,3s,3s,3r,3r,3r,3r,3r,3r,3q,3q,3q,3q,3q,3q,3o,3' +
  'o,3o,3o,3o,3n,3n,3n,3n,3m,3m,3m,3m,3m,3m,3m,3m,3l,3l,3k,3k,3k,3k,3k,3k,3j,3j,3j,3j,3j,3i,3i,3i,3i,3h' +
  ',3h,3h,3h,3g,3g,3f,3f,3f,3f,3f,3f,3f,3f,3e,3e,3e,3e,3d,3d,3d,3d,3d,3d,3d,3d,3d,3c,3c,3c,3c,3c,3c,3c,' +
  '3b,3b,3b,3b,3b,3b,3b,3b,3a,3a,39,39,39,39,39,39,39,39,38,38,38,38,37,37,36,36,36,36,36,36,36,36,35,3' +
  '5,35,35,35,35,35,35,34,34,34,34,34,34,33,33,33,33,33,33,32,31,31,31,31,31,31,31,31,31,30,30,30,30,30' +
  ',30,30,30,30,2z,2z,2z,2z,2z,2y,2y,2y,2y,2y,2x,2x,2x,2w,2w,2w,2w,2w,2w,2v,2v,2v,2v,2v,2v,2u,2u,2u,2u,' +
  '2u,2u,2u,2u,2u,2u,2u,2t,2t,2t,2t,2t,2t,2t,2s,2s,2s,2s,2s,2s,2s,2s,2s,2s,2s,2s,2s,2s,2s,2r,2r,2r,2r,2' +
  'r,2r,2r,2r,2q,2q,2q,2q,2q,2q,2p,2p,2p,2p,2p,2p,2o,2o,2o,2o,2o,2o,2o,2n,2n,2n,2n,2n,2n,2n,2n,2m,2m,2m' +
  ',2l,2l,2l,2l,2l,2l,2l,2l,2l,2l,2l,2k,2k,2k,2k,2k,2k,2k,2j,2j,2j,2j,2j,2j,2j,2j,2j,2j,2j,2j,2j,2j,2j,' +
  '2i,2i,2i,2i,2i,2i,2i,2h,2h,2h,2h,2h,2h,2g,2g,2g,2f,2f,2f,2f,2f,2f,2f,2f,2e,2e,2e,2e,2e,2e,2e,2e,2e,2' +
  'e,2d,2d,2d,2d,2d,2d,2d,2d,2d,2d,2c,2c,2c,2c,2c,2c,2c,2c,2b,2b,2b,2b,2b,2b,2b,2a,2a,2a,2a,2a,2a,2a,2a' +
  ',2a,2a,2a,29,29,29,29,29,29,29,29,29,28,28,28,28,28,28,28,28,28,27,27,27,27,27,27,27,27,26,26,26,26,' +
  '26,26,26,26,25,25,25,25,25,25,25,25,25,25,24,24,24,24,24,24,24,24,24,24,23,23,23,23,23,23,23,23,23,2' +
  '3,22,22,22,22,22,22,22,21,21,21,21,21,21,20,20,20,20,20,20,20,20,20,20,20,20,20,20,1z,1z,1z,1z,1z,1z' +
  ',1z,1z,1z,1z,1z,1z,1y,1y,1y,1y,1y,1y,1y,1y,1y,1y,1y,1y,1y,1y,1x,1x,1x,1x,1x,1x,1x,1x,1x,1x,1w,1w,1w,' +
  '1w,1w,1w,1w,1w,1w,1w,1w,1w,1w,1v,1v,1v,1v,1v,1v,1v,1v,1v,1u,1u,1u,1u,1u,1u,1u,1u,1u,1u,1u,1u,1u,1u,1' +
  'u,1u,1u,1t,1t,1t,1t,1t,1t,1t,1t,1t,1t,1t,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1r,1r,1r,1r,1r' +
  ',1r,1r,1r,1r,1r,1r,1r,1r,1r,1q,1q,1q,1q,1q,1q,1q,1p,1p,1p,1p,1p,1p,1p,1p,1p,1p,1p,1p,1o,1o,1o,1o,1o,' +
  '1o,1o,1o,1o,1o,1o,1o,1o,1n,1n,1n,1n,1n,1n,1n,1n,1n,1n,1n,1n,1n,1n,1n,1n,1n,1n,1m,1m,1m,1m,1m,1m,1m,1' +
  'm,1m,1m,1m,1m,1l,1l,1l,1l,1l,1l,1l,1l,1l,1l,1l,1l,1l,1k,1k,1k,1k,1k,1k,1k,1k,1k,1k,1k,1k,1k,1k,1j,1j' +
  ',1j,1j,1j,1j,1j,1j,1j,1j,1j,1j,1j,1j,1j,1j,1j,1i,1i,1i,1i,1i,1i,1i,1i,1i,1i,1i,1i,1i,1i,1i,1i,1h,1h,' +
  '1h,1h,1h,1h,1h,1h,1h,1h,1h,1h,1h,1g,1g,1g,1g,1g,1g,1g,1g,1g,1g,1g,1g,1g,1g,1g,1g,1f,1f,1f,1f,1f,1f,1' +
  'f,1f,1f,1f,1f,1f,1f,1f,1f,1e,1e,1e,1e,1e,1e,1e,1e,1e,1e,1e,1e,1e,1e,1e,1e,1e,1e,1e,1e,1e,1d,1d,1d,1d' +
  ',1d,1d,1d,1d,1d,1d,1d,1d,1d,1d,1d,1c,1c,1c,1c,1c,1c,1c,1c,1c,1c,1c,1c,1c,1c,1c,1c,1c,1c,1c,1c,1c,1c,' +
  '1c,1c,1c,1c,1c,1b,1b,1b,1b,1b,1b,1b,1b,1b,1b,1b,1b,1b,1b,1b,1b,1b,1b,1b,1b,1b,1a,1a,1a,1a,1a,1a,1a,1' +
  'a,1a,1a,1a,1a,1a,1a,1a,1a,1a,1a,19,19,19,19,19,19,19,19,19,19,19,19,19,19,19,19,19,19,19,18,18,18,18' +
  ',18,18,18,18,18,18,18,18,18,18,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,16,16,16,16,' +
  '16,16,16,16,16,16,16,16,16,16,16,16,16,16,16,16,16,16,16,16,16,16,16,16,16,15,15,15,15,15,15,15,15,1' +
  '5,15,15,15,15,15,14,14,14,14,14,14,14,14,14,14,14,14,14,14,14,14,14,14,14,14,13,13,13,13,13,13,13,13' +
  ',13,13,13,13,13,13,13,13,13,13,13,13,13,13,13,13,13,13,13,13,12,12,12,12,12,12,12,12,12,12,12,12,12,' +
  '12,12,12,12,12,12,12,12,12,12,12,12,12,12,11,11,11,11,11,11,11,11,11,11,11,11,11,11,11,11,11,11,11,1' +
  '1,11,11,11,11,11,11,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10' +
  ',z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,z,y,y,y,y,y,y,y,y,y,y,y,y,y,y,y,y,y,y,y,y,y,y,y' +
  ',y,y,y,y,y,y,y,y,y,y,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x';
