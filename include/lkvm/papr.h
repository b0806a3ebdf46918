/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_PAPR_H
#define LKVM_PAPR_H

/* PAPR hcall return codes (LoPAPR; Linux asm/hvcall.h has the same values). */
#define H_SUCCESS		0
#define H_BUSY			1
#define H_PARTIAL		5	/* some requested items are unknown */
#define H_LONG_BUSY_ORDER_1_MSEC	9900
#define H_LONG_BUSY_ORDER_10_MSEC	9901
#define H_HARDWARE		(-1)
#define H_FUNCTION		(-2)
#define H_PRIVILEGE		(-3)
#define H_PARAMETER		(-4)
#define H_BAD_MODE		(-5)
#define H_PTEG_FULL		(-6)
#define H_NOT_FOUND		(-7)
#define H_RESERVED_DABR		(-8)
#define H_NO_MEM		(-9)
#define H_AUTHORITY		(-10)
#define H_PERMISSION		(-11)
#define H_DROPPED		(-12)
#define H_SOURCE_PARM		(-13)
#define H_DEST_PARM		(-14)
#define H_REMOTE_PARM		(-15)
#define H_RESOURCE		(-16)
#define H_ADAPTER_PARM		(-17)
#define H_RH_PARM		(-18)
#define H_RCQ_PARM		(-19)
#define H_SCQ_PARM		(-20)
#define H_EQ_PARM		(-21)
#define H_RT_PARM		(-22)
#define H_ST_PARM		(-23)
#define H_SIGT_PARM		(-24)
#define H_TOKEN_PARM		(-25)
#define H_MLENGTH_PARM		(-27)
#define H_MEM_PARM		(-28)
#define H_MEM_ACCESS_PARM	(-29)
#define H_ATTR_PARM		(-30)
#define H_PORT_PARM		(-31)
#define H_MCG_PARM		(-32)
#define H_VL_PARM		(-33)
#define H_TSIZE_PARM		(-34)
#define H_TRACE_PARM		(-35)
#define H_MASK_PARM		(-37)
#define H_MCG_FULL		(-38)
#define H_ALIAS_EXIST		(-39)
#define H_P_COUNTER		(-40)
#define H_TABLE_FULL		(-41)
#define H_ALT_TABLE		(-42)
#define H_MR_CONDITION		(-43)
#define H_NOT_ENOUGH_RESOURCES	(-44)
#define H_R_STATE		(-45)
#define H_RESCINDED		(-46)
#define H_P1			(-54)
#define H_P2			(-55)
#define H_P3			(-56)
#define H_P4			(-57)
#define H_P5			(-58)
#define H_P6			(-59)
#define H_P7			(-60)
#define H_P8			(-61)
#define H_P9			(-62)
#define H_OVERLAP		(-68)
#define H_UNSUPPORTED		(-67)
#define H_UNSUPPORTED_FLAG	(-256)

/* hcall numbers lkvm handles in user space */
#define H_GET_TERM_CHAR		0x54
#define H_PUT_TERM_CHAR		0x58
#define H_GET_CPU_CHARACTERISTICS	0x1C8
#define H_SET_MODE		0x31C
#define H_CLEAN_SLB		0x374
#define H_INVALIDATE_PID	0x378
#define H_REGISTER_PROC_TBL	0x37C
#define H_SCM_READ_METADATA	0x3E4
#define H_SCM_WRITE_METADATA	0x3E8
#define H_SCM_BIND_MEM		0x3EC
#define H_SCM_UNBIND_MEM	0x3F0
#define H_SCM_QUERY_BLOCK_MEM_BINDING	0x3F4
#define H_SCM_QUERY_LOGICAL_MEM_BINDING	0x3F8
#define H_SCM_UNBIND_ALL	0x3FC
#define H_SCM_HEALTH		0x400
#define H_SCM_PERFORMANCE_STATS	0x418
#define H_SCM_FLUSH		0x44C
#define H_RTAS			0xF000	/* KVMPPC_H_RTAS, from the RTAS stub */

/* H_SET_MODE resources */
#define H_SET_MODE_RESOURCE_SET_CIABR		1
#define H_SET_MODE_RESOURCE_SET_DAWR0		2
#define H_SET_MODE_RESOURCE_ADDR_TRANS_MODE	3
#define H_SET_MODE_RESOURCE_LE			4

/* H_REGISTER_PROC_TBL flags */
#define PROC_TABLE_NEW		0x18
#define PROC_TABLE_OP_MASK	0x18
#define PROC_TABLE_RADIX	0x04
#define PROC_TABLE_GTSE		0x01

/* RTAS status values */
#define RTAS_OUT_SUCCESS		0
#define RTAS_OUT_NO_ERRORS_FOUND	1
#define RTAS_OUT_HW_ERROR		(-1)
#define RTAS_OUT_BUSY			(-2)
#define RTAS_OUT_PARAM_ERROR		(-3)
#define RTAS_OUT_NOT_SUPPORTED		(-3)
#define RTAS_OUT_NOT_AUTHORIZED		(-9002)

#endif
